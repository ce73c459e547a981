// Messages between the runner (parent) and the program host (child process). The parent sends one HostRequest
// over the IPC channel; the child answers with exactly one result or failure HostMessage and exits. A program that
// runs out of time is sent a StopRequest first, answered with what it is still waiting on, then killed.

import { ResourceRecord } from "../resource-records";
import type { MissingConfigKey } from "./missing-config";

export interface HostRequest {
    kind: "run";
    programDir: string;
    /** Absolute entry file. */
    main: string;
    typescript: boolean;
    project: string;
    stack: string;
    organization: string;
    dryRun: boolean;
    config: Record<string, string>;
    secretKeys: string[];
    /** Send a `record` message for every registration as it happens. */
    streamRecords: boolean;
}

export type FailureKind =
    | "sdk-missing" // @pulumi/pulumi cannot be resolved from the program directory
    | "compile" // TypeScript or JavaScript syntax error while loading the program
    | "module" // a module the program imports cannot be found
    | "runtime" // the program threw, or an Output rejected
    | "invoke" // the program called a provider function that has no offline answer
    | "log-error" // the program (or the SDK on its behalf) logged an error with pulumi.log.error
    | "unsupported" // the program uses something the offline runner cannot run
    | "timeout" // the program did not finish in time (the host was killed)
    | "crash"; // the host process died without an answer

export interface ProgramFailure {
    kind: FailureKind;
    /** One line, no stack. */
    message: string;
    /** Where it went wrong, when known (a program file, else the most relevant file). */
    file?: string;
    line?: number;
    column?: number;
    /** The raw stack, shown only with --verbose. */
    stack?: string;
    /** Required config keys the stack does not set (every one the program asked for), when that is the failure. */
    missingConfig?: MissingConfigKey[];
}

/** The runner asks a program that ran out of time what it is still waiting on, before killing it. */
export interface StopRequest {
    kind: "stop";
}

export type ParentMessage = HostRequest | StopRequest;

/** What a program that ran out of time still had scheduled (see ProgramEnd and process.getActiveResourcesInfo). */
export interface StillRunning {
    /** Registrations recorded before it was stopped. */
    registered: number;
    /** Node's names for the handles and requests that kept its event loop alive (stdio and IPC left out). */
    activeResources: string[];
    /** Monitor calls not answered yet. */
    pendingCalls: number;
}

export interface HostTimings {
    /** Loading the SDK and registering TypeScript support. */
    startupMs: number;
    /** Running the program until every registration finished. */
    runMs: number;
    /** CPU time (user + system) the host process used, start-up included: less sensitive to machine load. */
    cpuMs: number;
}

export interface SdkInfo {
    version: string;
    /** Directory of the @pulumi/pulumi copy the program ran on. */
    path: string;
}

export type HostMessage =
    /** Sent as each registration is recorded (inputs are final; outputs of components and the stack come later). */
    | { kind: "records"; records: ResourceRecord[] }
    | { kind: "result"; records: ResourceRecord[]; sdk: SdkInfo; timings: HostTimings }
    | { kind: "failure"; failure: ProgramFailure; sdk?: SdkInfo; records: ResourceRecord[] }
    /** The answer to a StopRequest. */
    | { kind: "still-running"; state: StillRunning };
