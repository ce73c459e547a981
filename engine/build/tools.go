//go:build tools

// Package tools records the CLI's main package as a dependency of this build module, so
// `go mod tidy` keeps its requirements and go.sum lines.
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
