/**
 * The valid name `name` is most likely a typo of: a case-insensitive match, else the nearest name within a third of
 * its length in edits (at least 2), else undefined.
 */
export declare function closestName(name: string, valid: Iterable<string>): string | undefined;
