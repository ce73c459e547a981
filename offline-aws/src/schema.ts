// The package schema GetSchema returns. The engine asks for it only when a program or tool needs the `aws`
// package's types (a YAML program, SDK generation for a package that references aws types); a Node.js or Python
// program never does. No offline package ships pulumi-aws's schema, so this one declares the package's identity and
// language settings (the names generated code uses for it) and no resources: anything that needs a resource's
// schema fails naming the type, rather than working from an invented one.
export function packageSchema(version: string): Record<string, unknown> {
    return {
        name: "aws",
        displayName: "AWS",
        version,
        description: "authguard's offline stand-in for the Pulumi AWS provider (no credentials, no network).",
        meta: { moduleFormat: "(.*)(?:/[^/]*)" },
        language: {
            nodejs: { packageName: "@pulumi/aws" },
            python: { packageName: "pulumi_aws" },
        },
        config: {},
        provider: { inputProperties: { region: { type: "string" } } },
        resources: {},
        functions: {},
    };
}
