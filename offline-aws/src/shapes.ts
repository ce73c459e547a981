// What a type's @pulumi/aws class declares (output-only and input properties), read from the class file of the
// @pulumi/aws package this repository installs: `aws:apigateway/restApi:RestApi` is `apigateway/restApi.js`. Each
// file is read once, when its type is first seen, so the provider starts without loading the AWS SDK.
import * as fs from "fs";
import * as path from "path";
import { ClassShape, emptyShape, parseClassShape } from "../../runner/program/sdk-shape";

const shapes = new Map<string, ClassShape>();
let sdkDir: string | null | undefined;

/** The root of the @pulumi/aws package this repository installs, or null when it is missing. */
export function awsSdkDir(): string | null {
    if (sdkDir === undefined) {
        try {
            sdkDir = path.dirname(require.resolve("@pulumi/aws/package.json", { paths: [__dirname] }));
        } catch {
            sdkDir = null;
        }
    }
    return sdkDir;
}

/** `aws:<module>/<file>:<Class>` → the class file relative to the package root, or undefined for other tokens. */
export function classFileOf(type: string): string | undefined {
    const m = /^aws:([A-Za-z0-9]+)\/([A-Za-z0-9]+):[A-Za-z0-9]+$/.exec(type);
    if (!m) {
        return undefined;
    }
    return m[1] === "index" ? `${m[2]}.js` : `${m[1]}/${m[2]}.js`;
}

/** The class shape of `type`; empty when the installed SDK has no class for it. */
export function shapeOf(type: string): ClassShape {
    let shape = shapes.get(type);
    if (!shape) {
        shape = emptyShape();
        const dir = awsSdkDir();
        const file = classFileOf(type);
        if (dir && file) {
            try {
                shape = parseClassShape(fs.readFileSync(path.join(dir, file), "utf8"));
            } catch {
                // no class file for this type in the installed SDK: nothing is autonamed or marked computed
            }
        }
        shapes.set(type, shape);
    }
    return shape;
}
