// Writes a package-lock.json for a fresh project so `npm ci --offline` can install it from the npm cache that the
// repository's own `npm ci` filled: every registry package is pinned to the version and integrity the repository's
// lockfile resolved (npm ci never fetches packument metadata, so a fresh `npm install` could not resolve offline),
// and each local tarball gets a `file:` entry with its own integrity. The fresh project's tree mirrors the
// repository's resolution, with the workspace packages replaced by their tarballs.
import { createHash } from "crypto";
import * as fs from "fs";

interface LockEntry {
    version?: string;
    resolved?: string;
    integrity?: string;
    link?: boolean;
    dependencies?: Record<string, string>;
    optionalDependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
    [key: string]: unknown;
}

export interface LocalTarball {
    /** The package's name (also its workspace package's name in the repository). */
    name: string;
    /** Its workspace folder in the repository, e.g. `cli`. */
    workspace: string;
    /** The tarball's file name inside the fresh project. */
    file: string;
    /** Its absolute path, to hash. */
    path: string;
    /** Its package.json. */
    manifest: LockEntry & { name: string; version: string };
}

export class LockError extends Error {
    readonly code = "LOCK_UNRESOLVED";
}

/**
 * package.json and package-lock.json for a project with registry `dependencies` (pinned to the repository's versions)
 * and `devDependencies` installed from local tarballs; `tarballs` lists every local tarball, including those reached
 * only as another tarball's dependency.
 */
export function offlineLock(repoLockFile: string, project: { name: string; dependencies: string[]; devDependencies: string[]; tarballs: LocalTarball[] }) {
    const repo = (JSON.parse(fs.readFileSync(repoLockFile, "utf8")) as { packages: Record<string, LockEntry> }).packages;
    const byWorkspace = new Map(project.tarballs.map((t) => [t.workspace, t]));
    const byName = new Map(project.tarballs.map((t) => [t.name, t]));
    const packages: Record<string, LockEntry> = {};

    /** The repository lockfile key `name` resolves to from the package at key `from` (Node's upward search). */
    function resolve(from: string, name: string): string | undefined {
        let base = from;
        for (;;) {
            const key = `${base ? `${base}/` : ""}node_modules/${name}`;
            if (repo[key]) return key;
            if (base === "") return undefined;
            const i = base.lastIndexOf("node_modules/");
            base = i < 0 ? "" : base.slice(0, i).replace(/\/$/, "");
        }
    }

    /** Where a repository key lands in the fresh project: workspace folders become their tarball's install folder. */
    function target(key: string): string {
        for (const t of project.tarballs) {
            if (key.startsWith(`${t.workspace}/`)) return `node_modules/${t.name}/${key.slice(t.workspace.length + 1)}`;
        }
        return key;
    }

    function visit(from: string, name: string, required: boolean): void {
        const key = resolve(from, name);
        if (!key) {
            if (required) throw new LockError(`${name} (needed by ${from || "the project"}) is not in ${repoLockFile}`);
            return;
        }
        const entry = repo[key];
        // A workspace package (a link in the repository) is installed from its tarball instead.
        const tarball = entry.link ? byWorkspace.get(entry.resolved ?? "") : undefined;
        if (entry.link && !tarball) throw new LockError(`${name} is a workspace package of the repository but no tarball was given for it`);
        const at = tarball ? `node_modules/${tarball.name}` : target(key);
        if (packages[at]) return;
        if (tarball) {
            packages[at] = tarballEntry(tarball);
            walk(tarball.workspace, tarball.manifest);
            return;
        }
        packages[at] = withoutTreeFlags(entry);
        walk(key, entry);
    }

    function walk(from: string, entry: LockEntry): void {
        for (const name of Object.keys(entry.dependencies ?? {})) visit(from, name, true);
        for (const name of Object.keys(entry.optionalDependencies ?? {})) visit(from, name, false);
        for (const name of Object.keys(entry.peerDependencies ?? {})) visit(from, name, false);
    }

    const dependencies: Record<string, string> = {};
    for (const name of project.dependencies) {
        const key = resolve("", name);
        if (!key) throw new LockError(`${name} is not in ${repoLockFile}`);
        dependencies[name] = repo[key].version ?? "*";
        visit("", name, true);
    }
    const devDependencies: Record<string, string> = {};
    for (const name of project.devDependencies) {
        const tarball = byName.get(name);
        if (!tarball) throw new LockError(`no tarball was given for ${name}`);
        devDependencies[name] = `file:${tarball.file}`;
        visit("", name, true);
    }
    const manifest = { name: project.name, version: "1.0.0", private: true, dependencies, devDependencies };
    return {
        manifest,
        lock: { name: project.name, version: "1.0.0", lockfileVersion: 3, requires: true, packages: { "": manifest, ...packages } },
    };
}

/** The entry without the flags that describe its place in the repository's tree (dev, optional, ...), not this one's. */
function withoutTreeFlags(entry: LockEntry): LockEntry {
    const kept = { ...entry };
    for (const flag of ["dev", "devOptional", "peer", "optional"]) delete kept[flag];
    return kept;
}

function tarballEntry(t: LocalTarball): LockEntry {
    const integrity = `sha512-${createHash("sha512").update(fs.readFileSync(t.path)).digest("base64")}`;
    const { version, license, bin, engines, dependencies } = t.manifest;
    return { version, resolved: `file:${t.file}`, integrity, license, bin, engines, dependencies };
}
