// authguard: a CrossGuard policy pack that rejects unauthenticated, mis-wired or over-exposed AWS API Gateway
// endpoints. One module per policy in ./policies (listed in ./policies/all.ts); shared helpers in ./lib. Policy names
// are a public interface.
import { PolicyPack } from "@pulumi/policy";
import { described } from "./lib/metadata";
import { withStrictConfig } from "./lib/strict-config";
import { modules } from "./policies/all";

// Every policy carries its metadata (severity, remediation, references: lib/metadata.ts) and rejects settings its
// configSchema does not declare (lib/strict-config.ts).
export const policies = modules.map((m) => withStrictConfig(described(m.policy, m.metadata)));

new PolicyPack("authguard", { policies });
