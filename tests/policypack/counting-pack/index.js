// authguard's compiled pack (policypack/bin), unchanged except that every StackIndex construction appends a line to
// the file named by AUTHGUARD_STACK_INDEX_LOG. Tests and bench/stack-index start this directory as a pack to count
// how often one AnalyzeStack indexes the stack, without a counter in production code. Plain JavaScript and no
// tsconfig.json, so the SDK's run-policy-pack loads it without ts-node.
const fs = require("fs");
const path = require("path");

const log = process.env.AUTHGUARD_STACK_INDEX_LOG;
if (!log) throw new Error("the counting pack needs AUTHGUARD_STACK_INDEX_LOG (a file to record StackIndex builds in)");
const bin = path.resolve(__dirname, "../../../policypack/bin");
const stackIndex = require(path.join(bin, "lib/stack-index"));
const Original = stackIndex.StackIndex;
stackIndex.StackIndex = class CountedStackIndex extends Original {
    constructor(resources) {
        super(resources);
        fs.appendFileSync(log, `${resources.length}\n`);
    }
};
require(bin);
