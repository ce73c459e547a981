// The verdict a stack policy gives one resource, and the loop every such policy runs: report each violation on its
// resource, and list everything that could not be judged during preview in one CouldNotVerify advisory at the end.
import { ReportViolation } from "@pulumi/policy";
import { CouldNotVerify } from "./values";

export type Judgement = { kind: "ok" } | { kind: "violation"; message: string } | { kind: "unknown"; reason: string };

export function reportJudgements<R>(
    items: Iterable<R>,
    urnOf: (item: R) => string,
    judge: (item: R) => Judgement,
    reportViolation: ReportViolation,
): void {
    const unverified: string[] = [];
    for (const item of items) {
        const j = judge(item);
        if (j.kind === "violation") reportViolation(j.message, urnOf(item));
        else if (j.kind === "unknown") unverified.push(`${urnOf(item)}: ${j.reason}`);
    }
    if (unverified.length > 0) throw new CouldNotVerify(unverified);
}
