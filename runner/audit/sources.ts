// The stack files named on the command line, one at a time: a file as given, a folder walked in sorted order for
// `*.json` and `*.json.gz` files. In a file backend's `.pulumi` folder only `stacks/` holds current state (`history/`,
// `backups/` and `locks/` hold old checkpoints and lock files), so only that part is walked. Nothing is listed ahead:
// memory stays flat however many stacks a folder holds.
import * as fs from "fs";
import * as path from "path";
import { AuditInputError } from "./errors";

export type StackSource = { file: string } | { file: string; error: AuditInputError };

const SKIPPED_DIRS = new Set(["node_modules", ".git"]);

function isStateFile(name: string): boolean {
    return name.endsWith(".json") || name.endsWith(".json.gz");
}

export async function* stackSources(args: string[]): AsyncGenerator<StackSource> {
    for (const arg of args) {
        let stat: fs.Stats;
        try {
            stat = await fs.promises.stat(arg);
        } catch (e) {
            yield { file: arg, error: new AuditInputError("UNREADABLE", arg, `cannot read ${arg}: ${(e as Error).message}`) };
            continue;
        }
        if (stat.isDirectory()) {
            let found = false;
            for await (const file of walk(arg)) {
                found = true;
                yield { file };
            }
            if (!found) {
                yield { file: arg, error: new AuditInputError("NOT_A_STACK_EXPORT", arg, `${arg} holds no *.json stack export or state file`) };
            }
        } else {
            yield { file: arg };
        }
    }
}

async function* walk(dir: string): AsyncGenerator<string> {
    const entries = (await fs.promises.readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const inBackendRoot = path.basename(dir) === ".pulumi";
    for (const entry of entries) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
            if (SKIPPED_DIRS.has(entry.name) || (inBackendRoot && entry.name !== "stacks")) continue;
            yield* walk(full);
        } else if (!inBackendRoot && isStateFile(entry.name)) {
            yield full;
        }
    }
}
