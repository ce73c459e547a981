// When a program has ended, decided the way the Pulumi Node.js runtime decides it (sdk/nodejs/cmd/run): not when
// the program's module has loaded, but when Node's event loop is empty ("beforeExit") with no resource monitor call
// in flight. A program may register resources after its module returned — in an fs callback, after an `await` in
// an async function nobody awaits, from a timer, or from another `beforeExit` handler (pulumi-aws registers S3
// bucket notifications from one) — and the engine sees, and checks, every one of them.

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

export type EndState =
    /** Nothing left to run and every monitor call answered: the program is over. */
    | "ended"
    /** Nothing left to run, but the program's main promise or a monitor call is still waiting: it never will finish. */
    | "stuck"
    /** The program threw (or a promise it left rejected): the run has failed, there is no need to wait for the rest. */
    | "failed";

export interface ProgramActivity {
    /** Monitor calls made so far (registrations, outputs, invokes, reads, logs). */
    calls: number;
    /** Monitor calls not answered yet. */
    pending: number;
}

export class ProgramEnd {
    private calls = 0;
    private pending = 0;
    private mainSettled = false;
    /** What the previous idle point saw; the program has ended when two idle points in a row saw the same. */
    private lastIdle: { calls: number; mainSettled: boolean } | undefined;
    private onEnd?: (state: EndState) => void;

    /**
     * Counts the program SDK's monitor calls: every one of them takes `settings.rpcKeepAlive()` (the SDK's own
     * "do not disconnect yet" token) when it starts and releases it when it is answered.
     */
    constructor(sdkSettings: Any) {
        const original = sdkSettings.rpcKeepAlive;
        if (typeof original !== "function") {
            throw new Error("this @pulumi/pulumi has no runtime/settings rpcKeepAlive: cannot tell when the program has finished");
        }
        sdkSettings.rpcKeepAlive = (...args: unknown[]) => {
            this.calls++;
            this.pending++;
            const done = original.apply(sdkSettings, args) as () => void;
            let released = false;
            return () => {
                if (!released) {
                    released = true;
                    this.pending--;
                }
                done();
            };
        };
    }

    /** The program's main promise (module load, exported function, stack outputs) settled. */
    markMainSettled(): void {
        this.mainSettled = true;
    }

    /** The program failed; ends the wait at once. */
    fail(): void {
        this.finish("failed");
    }

    get activity(): ProgramActivity {
        return { calls: this.calls, pending: this.pending };
    }

    /** Resolves once the program has ended or can never end (see EndState). Call once, before the program runs. */
    wait(): Promise<EndState> {
        return new Promise((resolve) => {
            this.onEnd = resolve;
            process.on("beforeExit", this.onIdle);
        });
    }

    private finish(state: EndState): void {
        const end = this.onEnd;
        if (end) {
            this.onEnd = undefined;
            process.removeListener("beforeExit", this.onIdle);
            end(state);
        }
    }

    private readonly onIdle = (): void => {
        if (!this.onEnd) {
            return;
        }
        const now = { calls: this.calls, mainSettled: this.mainSettled };
        if (this.lastIdle && this.lastIdle.calls === now.calls && this.lastIdle.mainSettled === now.mainSettled) {
            // Two idle points in a row with nothing new in between: the other `beforeExit` handlers (which run after
            // this one in the same emit, as the runtime arranges for its own) had their turn and started nothing.
            this.finish(this.mainSettled && this.pending === 0 ? "ended" : "stuck");
            return;
        }
        this.lastIdle = now;
        // One more turn of the loop, so "beforeExit" comes again after whatever this idle point started.
        setImmediate(() => undefined);
    };
}
