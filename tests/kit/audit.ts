// Runs `authguard audit` in-process (the real pack process, over the Analyzer protocol) and collects the outcomes.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BUNDLED_PACK_DIR } from "../../runner/pack-build";
import { AuditedStack, StackOutcome, runAudit } from "../../runner/audit/run";

export const PROBE_PACK = path.resolve(__dirname, "../fixtures/probe-pack");

export async function audit(paths: string[], opts: { packDir?: string; policyPackConfig?: string } = {}): Promise<StackOutcome[]> {
    const outcomes: StackOutcome[] = [];
    await runAudit({ paths, packDir: opts.packDir ?? BUNDLED_PACK_DIR, policyPackConfig: opts.policyPackConfig }, (o) => {
        outcomes.push(o);
    });
    return outcomes;
}

export function audited(outcome: StackOutcome): AuditedStack {
    assert.ok(outcome.ok, outcome.ok ? "" : `${outcome.failure.code}: ${outcome.failure.message}`);
    return outcome.stack;
}

/** Sorted `<level> <policy> <urn>` lines. */
export function findings(stack: AuditedStack): string[] {
    return stack.violations.map((v) => `${v.enforcementLevel} ${v.policyName} ${v.urn}`).sort();
}

export class TempDir {
    readonly root = fs.mkdtempSync(path.join(os.tmpdir(), "authguard-audit-"));

    write(rel: string, content: unknown): string {
        const file = path.join(this.root, rel);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content, null, 2));
        return file;
    }

    cleanup(): void {
        fs.rmSync(this.root, { recursive: true, force: true });
    }
}
