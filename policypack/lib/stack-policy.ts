// One StackIndex per AnalyzeStack, shared by every stack policy of the pack, and the opening each stack policy would
// otherwise repeat (index the stack, read the config, collect what cannot be judged in preview into one advisory).
//
// The request is the key. @pulumi/policy's AnalyzeStack handler (server.js, makeAnalyzeStackRpcFun) deserializes the
// request's resources afresh for every policy, so neither the array nor the resource objects are shared between
// policies. What they share is the request message: every PolicyResource's `opts.aliases` is the list the SDK reads
// from that resource's options message (`getAliasesList()`), and google-protobuf returns the message's own array, the
// same object on every read. The first resource's `opts.aliases` therefore stands for the request: the same for every
// policy of one AnalyzeStack, distinct for every other request, including one in flight at the same time in the same
// process (each request is its own deserialized message). It is a WeakMap key, so an index lives as long as its
// request and nothing accumulates across requests. Resources that do not come from the SDK (in-process callers)
// carry no such list; the array itself is then the key.
//
// Sharing is sound because the index only reads: the policies of one request see equal resources (deserialized from
// the same message), so the first policy's objects serve them all. A stack policy reads the stack from `index`, never
// from `args.resources`, so every lookup it makes returns the same objects.
import { PolicyResource, ReportViolation, StackValidationArgs, StackValidation } from "@pulumi/policy";
import { ApiIds } from "./api-links";
import { StackIndex } from "./stack-index";
import { forType, TypeToken } from "./types";
import { CouldNotVerify } from "./values";

const byRequest = new WeakMap<object, StackIndex>();
const apiIds = new WeakMap<StackIndex, ApiIds>();

/** The object that stands for the AnalyzeStack request `resources` came from (see the top of this file). */
export function requestKey(resources: readonly PolicyResource[]): object {
    const aliases = (resources[0] as { opts?: { aliases?: unknown } } | undefined)?.opts?.aliases;
    return typeof aliases === "object" && aliases !== null ? aliases : resources;
}

/** The index of the stack `args` describes, built by the first stack policy of the request and shared by the rest. */
export function sharedStackIndex(args: Pick<StackValidationArgs, "resources">): StackIndex {
    const key = requestKey(args.resources);
    let index = byRequest.get(key);
    if (!index) byRequest.set(key, (index = new StackIndex(args.resources)));
    return index;
}

/** What a stack policy's check is handed. */
export interface StackCheck<C> {
    index: StackIndex;
    /** The stack's APIs by id (built on first use, once per index). */
    readonly ids: ApiIds;
    config: Partial<C>;
    report: ReportViolation;
    /** `<urn>: <why>` for everything that cannot be judged yet; reported as one CouldNotVerify advisory at the end. */
    unverified: string[];
}

/**
 * A `validateStack` from a check over the shared index. With `type`, the SDK skips the policy for stacks without a
 * resource of that type (see forType).
 */
export function stackPolicy<C extends object = Record<string, never>>(check: (run: StackCheck<C>) => void, type?: TypeToken): StackValidation {
    const validate = (args: StackValidationArgs, report: ReportViolation): void => {
        const index = sharedStackIndex(args);
        const unverified: string[] = [];
        check({
            index,
            get ids() {
                let ids = apiIds.get(index);
                if (!ids) apiIds.set(index, (ids = new ApiIds(index)));
                return ids;
            },
            config: args.getConfig<Partial<C>>(),
            report,
            unverified,
        });
        if (unverified.length > 0) throw new CouldNotVerify(unverified);
    };
    return type ? forType(type, validate) : validate;
}
