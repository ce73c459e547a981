// The policy tables and the remediation section of docs/policies.md, written from each policy's metadata
// (lib/metadata.ts) between BEGIN/END GENERATED markers; the prose around them is written by hand.
//
//   npm run docs    rewrites the generated blocks in place
// tests/policypack/catalog.spec.ts fails when the file differs from what this writes.
import * as fs from "fs";
import * as path from "path";
import { CATALOG_GROUPS, CatalogGroup } from "../lib/metadata";
import { modules, PolicyModule } from "../policies/all";

export const CATALOG_FILE = path.resolve(__dirname, "../../docs/policies.md");

const begin = (block: string) => `<!-- BEGIN GENERATED ${block}: written by \`npm run docs\` from the policies' metadata, do not edit -->`;
const end = (block: string) => `<!-- END GENERATED ${block} -->`;

function cell(text: string): string {
    return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function table(group: CatalogGroup): string {
    const rows = modules
        .filter((m) => m.metadata.group === group)
        .map(({ policy, metadata: { catalog, severity } }) =>
            `| \`${policy.name}\` | ${cell(catalog.resources)} | ${cell(catalog.checks)} | ${policy.enforcementLevel} | ${severity} | ${cell(catalog.config)} | ${cell(catalog.fix)} |`,
        );
    return ["| Policy | Resource | What it checks | Level | Severity | Config | Fix |", "|---|---|---|---|---|---|---|", ...rows].join("\n");
}

function remediation(m: PolicyModule): string {
    const { remediation: r, references } = m.metadata;
    return [
        `### \`${m.policy.name}\``,
        "",
        r.steps,
        "",
        "```typescript",
        r.code,
        "```",
        "",
        ...references.map((ref) => `- [${ref.title}](${ref.url})`),
    ].join("\n");
}

/** The generated blocks by name: one table per catalog group, and the remediation section. */
export function generatedBlocks(): Map<string, string> {
    const blocks = new Map<string, string>();
    for (const group of Object.keys(CATALOG_GROUPS) as CatalogGroup[]) blocks.set(`policy table: ${group}`, table(group));
    blocks.set("remediation", modules.map(remediation).join("\n\n"));
    return blocks;
}

export class CatalogMarkerError extends Error {
    readonly code = "AUTHGUARD_CATALOG_MARKERS";
    constructor(file: string, block: string) {
        super(`${file} has no "${begin(block)}" … "${end(block)}" pair for the generated block "${block}"; add the two markers where it belongs.`);
        this.name = "CatalogMarkerError";
    }
}

/** `markdown` with every generated block rewritten from the metadata. */
export function renderCatalog(markdown: string, file = CATALOG_FILE): string {
    let out = markdown;
    for (const [block, content] of generatedBlocks()) {
        const start = out.indexOf(begin(block));
        const stop = start < 0 ? -1 : out.indexOf(end(block), start);
        if (start < 0 || stop < 0) throw new CatalogMarkerError(file, block);
        out = `${out.slice(0, start)}${begin(block)}\n${content}\n${out.slice(stop)}`;
    }
    return out;
}

if (require.main === module) {
    const before = fs.readFileSync(CATALOG_FILE, "utf8");
    const after = renderCatalog(before);
    if (after !== before) fs.writeFileSync(CATALOG_FILE, after);
    console.log(`${path.relative(process.cwd(), CATALOG_FILE)}: ${after === before ? "up to date" : "rewritten"}`);
}
