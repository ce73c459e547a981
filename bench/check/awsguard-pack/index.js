// A policy pack that is the published @pulumi/awsguard with every policy at its default level, except the three that
// query a live AWS account through the AWS SDK (they need credentials and network, which an offline check has not):
// the peer authguard is measured against (bench/check) and a third-party pack `authguard check --policy-pack` must run.
"use strict";
const { AwsGuard } = require("@pulumi/awsguard");
new AwsGuard({
    acmCertificateExpiration: "disabled", // acm-certificate-expiration
    iamAccessKeysRotated: "disabled", // access-keys-rotated
    iamMfaEnabledForConsoleAccess: "disabled", // mfa-enabled-for-iam-console-access
});
