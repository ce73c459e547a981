"""Runs a Pulumi Python program for authguard's pulumi-language-python (main.go): connects the SDK to the engine's
resource monitor, loads the stack configuration, runs the program inside the root stack resource and waits for
every outstanding resource operation."""
import argparse
import asyncio
import os
import runpy
import sys
import traceback

import pulumi
import pulumi.runtime

USER_ACTIONABLE_EXIT = 32


def main() -> int:
    ap = argparse.ArgumentParser()
    for flag in ("monitor", "engine", "project", "stack", "organization", "root-directory", "pwd", "parallel", "dry-run"):
        ap.add_argument(f"--{flag}")
    ap.add_argument("program")
    ap.add_argument("args", nargs="*")
    opts = ap.parse_args()

    pulumi.runtime.set_all_config(pulumi.runtime.get_config_env(), pulumi.runtime.get_config_secret_keys_env())
    pulumi.runtime.configure(
        pulumi.runtime.Settings(
            monitor=opts.monitor,
            engine=opts.engine or None,
            project=opts.project,
            stack=opts.stack,
            parallel=int(opts.parallel or "0"),
            dry_run=opts.dry_run == "true",
            organization=opts.organization or None,
            root_directory=opts.root_directory,
        )
    )
    if opts.pwd:
        os.chdir(opts.pwd)
    program = opts.program
    if os.path.isdir(program):
        program = os.path.join(program, "__main__.py")
    sys.path.insert(0, os.path.dirname(os.path.abspath(program)))
    sys.argv = [program, *opts.args]

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(pulumi.runtime.run_in_stack(lambda: runpy.run_path(program, run_name="__main__")))
    except pulumi.RunError as err:
        pulumi.log.error(str(err))
        return USER_ACTIONABLE_EXIT
    except Exception:  # the program's own error: shown to the user with its traceback
        pulumi.log.error(f"Program failed with an unhandled exception:\n{traceback.format_exc()}")
        return USER_ACTIONABLE_EXIT
    finally:
        loop.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
