// What this tool is and what it ships with: its name and version (from the package.json beside the runner: this
// repository's, or the installed cli package's, whose dist/ holds the compiled runner) and the policy pack it runs
// by default.

import * as fs from "fs";
import * as path from "path";
import { BUNDLED_PACK_DIR } from "./pack-build";

/** The folder holding the runner: the repository root, or the installed package's root. */
export const REPO_ROOT = path.resolve(__dirname, "..");
/** This repository's policy pack, the default --policy-pack. */
export const DEFAULT_PACK_DIR = BUNDLED_PACK_DIR;

export function toolInfo(): { name: string; version: string } {
    try {
        const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version?: string };
        return { name: "authguard", version: pkg.version ?? "0.0.0" };
    } catch {
        return { name: "authguard", version: "0.0.0" };
    }
}
