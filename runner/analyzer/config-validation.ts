// Validates each policy's reconciled config against its JSON schema (as the Pulumi CLI does before Configure), and
// remembers which inputs passed. Compiling a schema (Ajv generates code for it) costs the CLI about 10 ms a schema,
// about 0.2 s for a pack of 18 policies, every run, for a verdict that depends on nothing but the schemas and the
// values: a set of (schema, value) pairs that passed once passes again.
//
// Guarantees:
// - Same verdicts as validating every time: an entry is found by the SHA-256 of every schema and value of the call
//   and Ajv's version, and only a call in which every value passed is stored. Any failure is validated afresh, so
//   its messages are Ajv's own.
// - Entries are cache-entries.js's (checksummed, written atomically), under $XDG_CACHE_HOME/authguard/config-valid;
//   a cache that cannot be read or written only costs the compile.
// - Within a process each schema is compiled once (a default run validates once per view).
import type Ajv from "ajv";
import type { ErrorObject, ValidateFunction } from "ajv";
import * as fs from "fs";

import { cacheDir, entryFile, entryFiles } from "../program/cache-entries";

/** Bump when what a key covers changes. */
const FORMAT = "authguard-config-valid/1";
const entries = entryFiles(FORMAT, 8 * 1024 * 1024);

export interface ConfigCheck {
    schema: object;
    value: Record<string, unknown>;
}

/** Ajv's errors for each check (empty when it passed), in the order given. */
export function validateConfigs(checks: ConfigCheck[], root = cacheDir("config-valid")): ErrorObject[][] {
    const ajvVersion = (JSON.parse(fs.readFileSync(require.resolve("ajv/package.json"), "utf8")) as { version: string }).version;
    const file = entryFile(root, JSON.stringify([FORMAT, ajvVersion, checks.map((c) => [c.schema, c.value])]), ".ok");
    if (entries.read(file) !== undefined) {
        return checks.map(() => []);
    }
    const results = checks.map((c) => {
        const validate = validatorFor(c.schema);
        return validate(c.value) ? [] : [...(validate.errors ?? [])];
    });
    if (results.every((errors) => errors.length === 0)) {
        entries.write(file, Buffer.from("passed"));
    }
    return results;
}

const validators = new Map<string, ValidateFunction>();
let ajv: Ajv | undefined;

function validatorFor(schema: object): ValidateFunction {
    const key = JSON.stringify(schema);
    let validate = validators.get(key);
    if (!validate) {
        // Loaded only when a verdict is not known yet.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const AjvClass = (require("ajv") as { default: typeof Ajv }).default;
        ajv ??= new AjvClass({ allErrors: true, strict: false });
        validate = ajv.compile(schema);
        validators.set(key, validate);
    }
    return validate;
}
