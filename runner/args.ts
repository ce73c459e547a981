// Command-line vocabulary shared by `authguard check` and `authguard audit`: how an option and its value are read,
// and the output formats both commands write.

export class UsageError extends Error {}

/** Where a command writes: the process's stdout and stderr, or a test's buffers. */
export interface Io {
    stdout: (s: string) => void;
    stderr: (s: string) => void;
}

export type OutputFormat = "text" | "json" | "sarif";

/** `--name=value` split in two; any other word is returned as it is, with no value. */
export function splitOption(word: string): { name: string; value?: string } {
    const eq = word.indexOf("=");
    return word.startsWith("--") && eq > 0 ? { name: word.slice(0, eq), value: word.slice(eq + 1) } : { name: word };
}

/** The value of --format, or a UsageError naming what was given. */
export function parseFormat(value: string | undefined): OutputFormat {
    if (value !== "text" && value !== "json" && value !== "sarif") {
        throw new UsageError(`--format must be text, json or sarif, not "${value}"`);
    }
    return value;
}
