// The version this plugin reports in GetPluginInfo. The engine warns when a provider reports less than the program's
// SDK asked for, and it starts the plugin without saying which version that was, so the plugin answers with the
// version of the AWS SDK the program itself installed: @pulumi/aws resolved from the engine's working directory
// (the project), else pulumi_aws in the project's Python virtualenv, else the @pulumi/aws of this repository.
// AUTHGUARD_OFFLINE_AWS_VERSION overrides all of them.
import * as fs from "fs";
import * as path from "path";

const SEMVER = /^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?$/;

function nodeSdkVersion(fromDir: string): string | undefined {
    try {
        const file = require.resolve("@pulumi/aws/package.json", { paths: [fromDir] });
        const v = (JSON.parse(fs.readFileSync(file, "utf8")) as { version?: unknown }).version;
        return typeof v === "string" ? v : undefined;
    } catch {
        return undefined;
    }
}

/** pulumi_aws's `pulumi-plugin.json` in a virtualenv (`lib/python3.x/site-packages/pulumi_aws`). */
function pythonSdkVersion(venv: string): string | undefined {
    const lib = path.join(venv, "lib");
    let pythons: string[];
    try {
        pythons = fs.readdirSync(lib).filter((d) => d.startsWith("python"));
    } catch {
        return undefined;
    }
    for (const py of pythons) {
        try {
            const meta = JSON.parse(fs.readFileSync(path.join(lib, py, "site-packages", "pulumi_aws", "pulumi-plugin.json"), "utf8")) as {
                version?: unknown;
            };
            if (typeof meta.version === "string") {
                return meta.version.replace(/^v/, "");
            }
        } catch {
            // not in this interpreter's site-packages
        }
    }
    return undefined;
}

export class PluginVersionError extends Error {
    readonly code = "OFFLINE_AWS_BAD_VERSION";
    constructor(value: string) {
        super(`AUTHGUARD_OFFLINE_AWS_VERSION="${value}" is not a semantic version (e.g. 7.12.0)`);
    }
}

export function pluginVersion(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
    const override = env.AUTHGUARD_OFFLINE_AWS_VERSION;
    if (override !== undefined && override !== "") {
        if (!SEMVER.test(override)) {
            throw new PluginVersionError(override);
        }
        return override;
    }
    const venvs = [env.PULUMI_RUNTIME_VIRTUALENV, env.VIRTUAL_ENV].filter((v): v is string => !!v).map((v) => path.resolve(cwd, v));
    return (
        nodeSdkVersion(cwd) ??
        venvs.map(pythonSdkVersion).find((v) => v !== undefined) ??
        nodeSdkVersion(__dirname) ??
        "0.0.0"
    );
}
