// A private copy of some of the repository's workspace packages, for specs that age, touch or rebuild a build: the
// real one is shared by every spec running at the same time (mocha runs spec files in parallel), whose processes
// would rebuild it under their feet. The copy has its own node_modules: the workspace packages copied point at the
// copies, everything else at the repository's installed packages.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO } from "./runner";

export class WorkspaceCopy {
    readonly root = fs.mkdtempSync(path.join(os.tmpdir(), "authguard-workspace-"));

    /** Copies the workspace folders `folders` (e.g. "apigateway") without their node_modules. */
    constructor(folders: string[]) {
        const copied = new Map<string, string>();
        for (const folder of folders) {
            const manifest = path.join(REPO, folder, "package.json");
            if (!fs.existsSync(manifest)) throw new Error(`WorkspaceCopy: ${folder} is not a workspace package (no ${manifest})`);
            copied.set((JSON.parse(fs.readFileSync(manifest, "utf8")) as { name: string }).name, path.join(this.root, folder));
            fs.cpSync(path.join(REPO, folder), path.join(this.root, folder), {
                recursive: true,
                filter: (src) => !src.split(path.sep).includes("node_modules"),
            });
        }
        const modules = path.join(this.root, "node_modules");
        fs.mkdirSync(modules);
        for (const entry of fs.readdirSync(path.join(REPO, "node_modules"))) {
            if (entry === ".bin" || entry.startsWith(".")) continue;
            const target = copied.get(entry) ?? path.join(REPO, "node_modules", entry);
            fs.symlinkSync(target, path.join(modules, entry), "dir");
        }
    }

    /** The copy of a workspace folder. */
    dir(folder: string): string {
        return path.join(this.root, folder);
    }

    cleanup(): void {
        fs.rmSync(this.root, { recursive: true, force: true });
    }
}
