// Which code a stack frame or source position belongs to: the program's own files, its dependencies (node_modules)
// or the runner itself. Used to point a resource, an invoke or an error at the program line behind it.

import * as path from "path";

/** The runner's own directory: its frames (the host's wrappers around the SDK) are never a program position. */
export const RUNNER_DIR = path.resolve(__dirname, "..");

/** One line of a V8 stack trace: `at fn (file:line:column)` or `at file:line:column`. */
export const FRAME_RE = /^\s*at (?:.*? \()?(.+?):(\d+):(\d+)\)?\s*$/;

/** True when `file` lies strictly inside `dir`. */
export function within(dir: string, file: string): boolean {
    const rel = path.relative(dir, file);
    return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel);
}

export function inNodeModules(file: string): boolean {
    return file.split(path.sep).includes("node_modules");
}

/** A file of the program itself: inside its directory, outside node_modules. */
export function isProgramFile(file: string, programDir: string): boolean {
    return within(programDir, file) && !inNodeModules(file);
}

/**
 * The position to report for a chain of frames (innermost first): the first one in the program's own files, else
 * the first outside node_modules and the runner (the program's own library elsewhere on disk). Positions must carry
 * absolute file paths.
 */
export function pickProgramPosition<T extends { file: string }>(positions: Iterable<T>, programDir: string): T | undefined {
    let fallback: T | undefined;
    for (const position of positions) {
        if (inNodeModules(position.file) || within(RUNNER_DIR, position.file)) {
            continue;
        }
        if (within(programDir, position.file)) {
            return position;
        }
        fallback = fallback ?? position;
    }
    return fallback;
}
