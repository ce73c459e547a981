// Installs a Node.js policy pack the way `pulumi policy publish` ships it and the CLI installs a published pack:
// `npm pack` in the pack's folder, the tarball's `package/` unpacked into a folder of its own, an npm install there.
// The pack then runs from that folder on its own node_modules, never on a workspace's hoisted ones. So that nothing
// is downloaded, the install is `npm ci --offline` from npm's cache (which the repository's `npm ci` filled) with a
// lockfile cut from the repository's package-lock.json: the pack's dependency closure at the versions the repository
// tests. Installs are cached outside the repository by a hash of the pack's sources.
import { execFileSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ensureBundledPackBuilt } from "../pack-build";

export class PackInstallError extends Error {
    readonly code = "PACK_INSTALL_FAILED";
}

function hashSources(dir: string, hash = createHash("sha256"), rel = ""): ReturnType<typeof createHash> {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
        const file = path.join(rel, entry.name);
        if (entry.isDirectory()) hashSources(dir, hash, file);
        else if (entry.isFile()) hash.update(file).update("\0").update(fs.readFileSync(path.join(dir, file))).update("\0");
    }
    return hash;
}

function npm(args: string[], cwd: string): string {
    try {
        return execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (e) {
        const err = e as { stderr?: string; stdout?: string; message: string };
        throw new PackInstallError(`npm ${args.join(" ")} in ${cwd} failed: ${(err.stderr || err.stdout || err.message).trim()}`);
    }
}

/** The folder of the installed copy of the pack in packDir (installed now unless cached). */
export function installPolicyPack(packDir: string, cacheRoot = path.join(os.homedir(), ".cache", "authguard", "packs")): string {
    const abs = path.resolve(packDir);
    // Checked before anything is packed or looked up in the cache: a pack depending on a workspace package is refused.
    const lock = packLockfile(abs);
    // The cache key is the pack's sources and its build (bin/ included: authguard's bundle carries the vocabulary),
    // brought up to date first.
    ensureBundledPackBuilt(abs);
    const key = hashSources(abs).digest("hex").slice(0, 16);
    const target = path.join(cacheRoot, `${path.basename(abs)}-${key}`);
    if (fs.existsSync(path.join(target, ".installed"))) return target;

    fs.mkdirSync(cacheRoot, { recursive: true });
    const staging = fs.mkdtempSync(path.join(cacheRoot, ".staging-"));
    try {
        const tarball = npm(["pack", "--silent", "--pack-destination", staging], abs).trim().split("\n").pop()!;
        execFileSync("tar", ["-xzf", path.join(staging, tarball), "-C", staging]);
        const pkg = path.join(staging, "package");
        fs.writeFileSync(path.join(pkg, "package-lock.json"), JSON.stringify(lock, null, 2));
        npm(["ci", "--offline", "--no-audit", "--no-fund"], pkg);
        fs.writeFileSync(path.join(pkg, ".installed"), `${abs}\n`);
        try {
            fs.renameSync(pkg, target);
        } catch (e) {
            // Another process installed the same sources first: use that copy.
            if (!fs.existsSync(path.join(target, ".installed"))) throw e;
        }
    } finally {
        fs.rmSync(staging, { recursive: true, force: true });
    }
    return target;
}

interface LockEntry {
    version?: string;
    link?: boolean;
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
    optionalDependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
    peerDependenciesMeta?: Record<string, { optional?: boolean }>;
    [k: string]: unknown;
}

interface PackLock {
    name?: string;
    version?: string;
    lockfileVersion: number;
    requires: boolean;
    packages: Record<string, LockEntry>;
}

/** The lock key of the folder that contains the package at `key` ("" is the workspace root). */
function parentOf(key: string): string | undefined {
    if (key === "") return undefined;
    const at = key.lastIndexOf("node_modules/");
    return at < 0 ? "" : key.slice(0, at).replace(/\/$/, "");
}

/**
 * A lockfile for the pack on its own, cut from the package-lock.json of the workspace that holds packDir: every
 * package the pack needs (dependencies, devDependencies, peers, transitively), found by node's resolution from the
 * pack's place in the workspace, moved from the pack's nested node_modules to the top. A workspace package among
 * them is refused: a published pack is installed by `npm install` from the registry (devDependencies included),
 * where it does not exist; authguard's pack bundles the ones it imports (policypack/build.js).
 */
export function packLockfile(packDir: string): PackLock {
    let root = path.dirname(packDir);
    while (!fs.existsSync(path.join(root, "package-lock.json"))) {
        const up = path.dirname(root);
        if (up === root) throw new PackInstallError(`no package-lock.json above ${packDir}: run npm install in the repository first`);
        root = up;
    }
    const lock = JSON.parse(fs.readFileSync(path.join(root, "package-lock.json"), "utf8")) as { packages: Record<string, LockEntry> };
    const packKey = path.relative(root, packDir).split(path.sep).join("/");
    const packEntry = lock.packages[packKey];
    if (!packEntry) throw new PackInstallError(`${root}/package-lock.json has no entry for ${packKey}: run npm install there`);

    const rename = (key: string) => (key.startsWith(`${packKey}/node_modules/`) ? key.slice(packKey.length + 1) : key);
    const out: Record<string, LockEntry> = {};
    const from = new Map<string, string>();
    const queue: Array<[string, string, boolean]> = [];
    const depsOf = (key: string, e: LockEntry, top: boolean) => {
        const names = { ...e.dependencies, ...e.optionalDependencies, ...(top ? e.devDependencies : {}), ...e.peerDependencies };
        for (const name of Object.keys(names)) {
            const optional = name in (e.optionalDependencies ?? {}) || e.peerDependenciesMeta?.[name]?.optional === true;
            queue.push([key, name, optional]);
        }
    };
    depsOf(packKey, packEntry, true);
    while (queue.length > 0) {
        const [fromKey, name, optional] = queue.shift()!;
        let found: string | undefined;
        for (let dir: string | undefined = fromKey; dir !== undefined; dir = parentOf(dir)) {
            const candidate = `${dir ? `${dir}/` : ""}node_modules/${name}`;
            if (lock.packages[candidate]) {
                found = candidate;
                break;
            }
        }
        if (!found) {
            if (optional) continue;
            throw new PackInstallError(`${name}, needed by ${fromKey}, is not in ${root}/package-lock.json: run npm install there`);
        }
        const entry = lock.packages[found];
        if (entry.link) {
            throw new PackInstallError(
                `${packDir} depends on the workspace package ${name} (${entry.resolved}, needed by ${fromKey}), which is on no registry: a published pack could not install it. Bundle it into the pack's build instead of declaring it.`,
            );
        }
        const key = rename(found);
        const seen = from.get(key);
        if (seen === found) continue;
        if (seen !== undefined) throw new PackInstallError(`${key} would be both ${seen} and ${found} of the workspace lockfile`);
        from.set(key, found);
        const copy: LockEntry = { ...entry };
        for (const flag of ["dev", "devOptional", "peer"]) delete copy[flag];
        out[key] = copy;
        depsOf(found, entry, false);
    }
    const { name, version, dependencies, devDependencies, optionalDependencies, peerDependencies } = packEntry as LockEntry & { name?: string };
    return {
        name,
        version,
        lockfileVersion: 3,
        requires: true,
        packages: { "": { name, version, dependencies, devDependencies, optionalDependencies, peerDependencies }, ...out },
    };
}
