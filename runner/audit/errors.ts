// Why a stack file could not be audited. Each error names the file and, when one resource is at fault, its URN; the
// run goes on with the other stacks and exits 2 at the end.

export type AuditInputCode =
    | "UNREADABLE" // the file cannot be read (missing, a directory, permissions)
    | "INVALID_JSON" // not JSON, or cut off (a truncated export)
    | "NOT_A_STACK_EXPORT" // JSON, but neither `pulumi stack export` output nor a file-backend checkpoint
    | "UNSUPPORTED_VERSION" // a deployment or checkpoint version authguard does not read
    | "UNSUPPORTED_FEATURES" // a version 4 deployment that declares features the engine (v3.248) does not know
    | "BAD_RESOURCE"; // a resource that is malformed: URN, type token, provider reference, parent, property value

export class AuditInputError extends Error {
    constructor(
        readonly code: AuditInputCode,
        readonly file: string,
        message: string,
        /** The resource at fault, when there is one. */
        readonly urn?: string,
    ) {
        super(message);
        this.name = "AuditInputError";
    }
}
