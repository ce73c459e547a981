// AWS partitions: the partition a region belongs to, and the DNS suffix of a partition's endpoints (`<api>.execute-
// api.<region>.<suffix>`, Cognito issuers). Guarantees: total functions (they never throw); a region no partition
// claims by its prefix, and a partition not listed, are the commercial ones (`aws`, `amazonaws.com`), as the AWS
// provider treats them.

export type Partition = "aws" | "aws-cn" | "aws-us-gov" | "aws-iso" | "aws-iso-b" | "aws-iso-e" | "aws-iso-f" | "aws-eusc";

/** Region prefixes of the partitions other than `aws`; `us-isob-` before `us-iso-`, which it also starts with. */
const REGION_PREFIXES: readonly (readonly [string, Partition])[] = [
    ["cn-", "aws-cn"],
    ["us-gov-", "aws-us-gov"],
    ["us-isob-", "aws-iso-b"],
    ["us-isof-", "aws-iso-f"],
    ["us-iso-", "aws-iso"],
    ["eu-isoe-", "aws-iso-e"],
    ["eusc-", "aws-eusc"],
];

const DNS_SUFFIXES: Readonly<Record<string, string>> = {
    "aws-cn": "amazonaws.com.cn",
    "aws-iso": "c2s.ic.gov",
    "aws-iso-b": "sc2s.sgov.gov",
    "aws-iso-e": "cloud.adc-e.uk",
    "aws-iso-f": "csp.hci.ic.gov",
    "aws-eusc": "amazonaws.eu",
};

/** `cn-north-1` → `aws-cn`, `us-gov-west-1` → `aws-us-gov`, anything unclaimed → `aws`. */
export function partitionOf(region: string): Partition {
    for (const [prefix, partition] of REGION_PREFIXES) if (region.startsWith(prefix)) return partition;
    return "aws";
}

/** `aws-cn` → `amazonaws.com.cn`; `aws`, `aws-us-gov` and unknown partitions → `amazonaws.com`. */
export function dnsSuffixOf(partition: string): string {
    return Object.prototype.hasOwnProperty.call(DNS_SUFFIXES, partition) ? DNS_SUFFIXES[partition] : "amazonaws.com";
}
