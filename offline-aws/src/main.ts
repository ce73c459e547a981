// Entry point of `pulumi-resource-aws` (bin/pulumi-resource-aws): serves the provider on a free local port and
// prints the port on stdout, the handshake every Pulumi plugin makes with the engine that started it. The engine
// address argument is not needed: this provider never logs through the engine or calls back into it.
import * as grpc from "@grpc/grpc-js";
import { pluginVersion } from "./plugin-version";
import { createProviderService, serviceDefinition } from "./provider";
import { recorder } from "./record";

export async function main(): Promise<void> {
    const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
    server.addService(serviceDefinition(), createProviderService({ version: pluginVersion(), record: recorder() }));
    const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    process.stdout.write(`${port}\n`);
    // The engine ends a plugin by killing it; a plain SIGTERM/SIGINT ends it cleanly as well.
    const stop = () => server.tryShutdown(() => process.exit(0));
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
}
