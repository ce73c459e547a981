// Required config values the stack does not set, all of them in one run. The SDK's `Config.require*` throws on the
// first missing key, so a user would fix one key per run; the host instead records the key, lets the program go on
// with a placeholder of the right type, and fails the run with every missing key once the program has ended.

import { programFrame } from "./errors";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

export interface MissingConfigKey {
    /** `namespace:key`, as `pulumi config set` takes it. */
    key: string;
    secret: boolean;
}

export interface MissingConfigSite {
    file: string;
    line?: number;
    column?: number;
}

/** The SDK's `Config` methods that throw ConfigMissingError, and the placeholder each returns instead. */
const REQUIRE_METHODS: Record<string, () => unknown> = {
    require: () => "",
    requireSecret: () => "",
    requireBoolean: () => false,
    requireSecretBoolean: () => false,
    requireNumber: () => 0,
    requireSecretNumber: () => 0,
    requireObject: () => ({}),
    requireSecretObject: () => ({}),
};

function isConfigMissing(e: unknown): e is Error & { key: string; secret?: boolean } {
    return e instanceof Error && typeof (e as { key?: unknown }).key === "string" && /^Missing required configuration variable '/.test(e.message);
}

export class MissingConfig {
    readonly keys: MissingConfigKey[] = [];
    /** Where the program first required a missing key. */
    site?: MissingConfigSite;

    /** Wraps the program SDK's `Config` class. `makeSecret` is the SDK's `secret()`, for the Secret variants. */
    constructor(configClass: Any, makeSecret: (v: unknown) => unknown, programDir: string) {
        const proto = configClass?.prototype;
        if (!proto) {
            return;
        }
        for (const [method, placeholder] of Object.entries(REQUIRE_METHODS)) {
            const original = proto[method];
            if (typeof original !== "function") {
                continue;
            }
            const collector = this;
            proto[method] = function (this: unknown, ...args: unknown[]) {
                try {
                    return original.apply(this, args);
                } catch (e) {
                    if (!isConfigMissing(e)) {
                        throw e;
                    }
                    collector.note(e, method.startsWith("requireSecret"), programDir);
                    const value = placeholder();
                    return method.startsWith("requireSecret") ? makeSecret(value) : value;
                }
            };
        }
    }

    private note(e: Error & { key: string; secret?: boolean }, secret: boolean, programDir: string): void {
        if (!this.keys.some((k) => k.key === e.key)) {
            this.keys.push({ key: e.key, secret: secret || e.secret === true });
        }
        this.site = this.site ?? programFrame(e.stack, programDir);
    }
}

function quoteList(items: string[]): string {
    return items.length === 1 ? items[0] : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** One paragraph naming every missing key, the stack file to add them to and the --config flags that set them. */
export function missingConfigMessage(keys: MissingConfigKey[], stack: string, stackFile: string): string {
    const setCommand = (k: MissingConfigKey) => `\`pulumi config set${k.secret ? " --secret" : ""} ${k.key} <value>\``;
    const flags = keys.map((k) => `--config ${k.key}=<value>`).join(" ");
    if (keys.length === 1) {
        const k = keys[0];
        return (
            `the program requires the ${k.secret ? "secret " : ""}configuration value '${k.key}', which stack "${stack}" does not set: ` +
            `add it to ${stackFile} (${setCommand(k)}) or pass ${flags}.`
        );
    }
    const names = keys.map((k) => `'${k.key}'${k.secret ? " (secret)" : ""}`);
    return (
        `the program requires ${keys.length} configuration values that stack "${stack}" does not set: ${quoteList(names)}: ` +
        `add them to ${stackFile} (${keys.map(setCommand).join(", ")}) or pass ${flags}.`
    );
}
