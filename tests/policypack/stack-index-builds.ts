// Starts a counting pack (authguard's pack with every StackIndex construction recorded in a file) so a spec or
// bench/stack-index can count how often one AnalyzeStack indexes the stack. Production code keeps no counter: the
// counting pack is the pack's own bundle, built here by esbuild from the same sources with `./stack-index` imports
// redirected to a subclass that records each construction.
import * as esbuild from "esbuild";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PackHarness, POLICYPACK_DIR } from "../kit/pack";

const STACK_INDEX = path.join(POLICYPACK_DIR, "lib", "stack-index.ts");
const COUNTED = "counted-stack-index";

/** The pack's sources bundled as policypack/build.js bundles them, with StackIndex counted. */
async function bundleCountingPack(outfile: string, log: string): Promise<void> {
    let redirected = 0;
    const counting: esbuild.Plugin = {
        name: "count-stack-index",
        setup(build) {
            build.onResolve({ filter: /\/stack-index$/ }, (args) => {
                if (args.namespace === COUNTED || path.resolve(args.resolveDir, `${args.path}.ts`) !== STACK_INDEX) return undefined;
                redirected++;
                return { path: STACK_INDEX, namespace: COUNTED };
            });
            build.onLoad({ filter: /.*/, namespace: COUNTED }, () => ({
                resolveDir: path.dirname(STACK_INDEX),
                loader: "ts",
                contents: [
                    `import { appendFileSync } from "fs";`,
                    `import { StackIndex as Uncounted } from ${JSON.stringify(STACK_INDEX)};`,
                    `export * from ${JSON.stringify(STACK_INDEX)};`,
                    `export class StackIndex extends Uncounted {`,
                    `    constructor(resources: ConstructorParameters<typeof Uncounted>[0]) {`,
                    `        super(resources);`,
                    `        appendFileSync(${JSON.stringify(log)}, resources.length + "\\n");`,
                    `    }`,
                    `}`,
                ].join("\n"),
            }));
        },
    };
    const { bundleOptions } = require(path.join(POLICYPACK_DIR, "build.js")) as { bundleOptions(outfile: string): esbuild.BuildOptions };
    await esbuild.build({ ...bundleOptions(outfile), plugins: [counting] });
    if (redirected === 0) throw new Error(`no import of ${STACK_INDEX} was redirected: the counting pack would count nothing`);
}

export interface CountingPack {
    harness: PackHarness;
    /** StackIndex constructions since the last call (each line of the log is one build). */
    takeBuilds(): number;
    close(): Promise<void>;
}

export async function startCountingPack(): Promise<CountingPack> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "authguard-stack-index-"));
    const log = path.join(dir, "builds.log");
    fs.writeFileSync(log, "");
    // A pack folder of its own on the repository's node_modules, so it loads the very same SDK and @pulumi/policy.
    const pack = path.join(dir, "counting-pack");
    fs.mkdirSync(pack);
    fs.writeFileSync(path.join(pack, "PulumiPolicy.yaml"), "runtime: nodejs\ndescription: authguard with StackIndex constructions counted\n");
    fs.writeFileSync(path.join(pack, "package.json"), JSON.stringify({ name: "authguard-counting-pack", version: "0.1.0", private: true, main: "index.js" }));
    fs.symlinkSync(path.resolve(POLICYPACK_DIR, "../node_modules"), path.join(pack, "node_modules"), "dir");
    let harness: PackHarness;
    try {
        await bundleCountingPack(path.join(pack, "index.js"), log);
        harness = await PackHarness.start(pack);
    } catch (err) {
        fs.rmSync(dir, { recursive: true, force: true });
        throw err;
    }
    return {
        harness,
        takeBuilds() {
            const lines = fs.readFileSync(log, "utf8").split("\n").filter(Boolean).length;
            fs.writeFileSync(log, "");
            return lines;
        },
        async close() {
            await harness.close();
            fs.rmSync(dir, { recursive: true, force: true });
        },
    };
}
