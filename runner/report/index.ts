// Reporters for `authguard check`: text (like `pulumi preview`'s Policies section), JSON (stable schema) and SARIF.
export * from "./check-report";
export { configFailure, inUpView, internalFailure, packBuildFailure, packFailure, programFailure, projectFailure } from "./failures";
export { render } from "./render";
export { renderText, renderFailureText } from "./text";
export { JsonFailure, JsonReport, JSON_SCHEMA_VERSION, renderJson, toJsonFailure, toJsonReport } from "./json";
export { mergeViews } from "./views";
export { SARIF_SCHEMA_URI, SarifLog, renderSarif, toSarif, toSarifFailure } from "./sarif";

import * as path from "path";

/** The vendored schema files (used by tests and documented in docs/check.md). */
export const SCHEMA_FILES = {
    sarif: path.join(__dirname, "schemas", "sarif-schema-2.1.0.json"),
    json: path.join(__dirname, "schemas", "authguard-check-report.schema.json"),
};
