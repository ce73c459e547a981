// The property names a generated Pulumi SDK class declares, read from the class's compiled source. Generated
// classes of every provider follow one pattern: `resourceInputs["arn"] = undefined /*out*/` for output-only
// properties and `resourceInputs["name"] = args?.name` (also `args ? args.name : undefined`,
// `pulumi.output(args?.name)...`) for inputs. Both the runner (which sees the class) and the offline AWS provider (which reads the class file of @pulumi/aws) use this
// instead of a schema, which no offline package ships.

export interface ClassShape {
    /** Properties the provider computes (never inputs). */
    outputOnly: Set<string>;
    /** Properties the program may set. */
    inputs: Set<string>;
}

export function emptyShape(): ClassShape {
    return { outputOnly: new Set(), inputs: new Set() };
}

export function parseClassShape(source: string): ClassShape {
    const shape = emptyShape();
    let m: RegExpExecArray | null;
    const outRe = /\w+\["([^"]+)"\]\s*=\s*undefined\s*\/\*out\*\//g;
    while ((m = outRe.exec(source)) !== null) {
        shape.outputOnly.add(m[1]);
    }
    const inRe = /\w+\["([^"]+)"\]\s*=\s*(?:pulumi\.output\()?\(?\s*args\s*(?:\?\.|\?\s*args\.|\.)/g;
    while ((m = inRe.exec(source)) !== null) {
        shape.inputs.add(m[1]);
    }
    return shape;
}
