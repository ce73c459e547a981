/** The file's modification time, or undefined when it does not exist. */
export function mtime(file: string): number | undefined;
/** True when `stamp` exists and no input is newer than it; a missing input counts as changed. */
export function isBuildCurrent(stamp: string, inputs: string[]): boolean;
