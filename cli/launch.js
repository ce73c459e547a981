// Runs the authguard command line's `main` on this process's arguments and streams, and exits with its code once
// both output streams are flushed (piped stdout is asynchronous). Shared by the installed command (bin/authguard.js,
// compiled runner) and the repository's bin/authguard.js (runner sources through ts-node).
"use strict";

function launch(main) {
    main(process.argv.slice(2), {
        stdout: (s) => process.stdout.write(s),
        stderr: (s) => process.stderr.write(s),
    }).then(
        (code) => {
            process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
        },
        (err) => {
            process.stderr.write(`authguard: internal error: ${err && err.stack ? err.stack : err}\n`);
            process.exit(2);
        },
    );
}

module.exports = { launch };
