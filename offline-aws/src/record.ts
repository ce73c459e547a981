// An optional log of what the engine asked the provider to do, one JSON object per line, appended to the file
// named by AUTHGUARD_OFFLINE_AWS_RECORD. Tests read it to prove what a resource was created with (for example that a
// `remediate` policy changed the inputs before Create). Values are written as received, secrets still wrapped.
import * as fs from "fs";
import { PropertyMap } from "../../runner/resource-records";

export interface RecordEntry {
    op: "configure" | "create" | "update" | "delete" | "read" | "invoke";
    urn?: string;
    type?: string;
    token?: string;
    preview?: boolean;
    id?: string;
    properties?: PropertyMap;
}

export function recorder(env: NodeJS.ProcessEnv = process.env): (entry: RecordEntry) => void {
    const file = env.AUTHGUARD_OFFLINE_AWS_RECORD;
    if (!file) {
        return () => undefined;
    }
    return (entry) => fs.appendFileSync(file, `${JSON.stringify({ pid: process.pid, ...entry })}\n`);
}
