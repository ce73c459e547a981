// A module's stand-in: what a deferred require hands its consumer instead of the module, loading the real one the
// first time anything is read from it or written to it (deferred-sdk-modules.js, deferred-aws-namespaces.js). Plain
// JavaScript: the preload installs its users before any TypeScript.
"use strict";

/** Calls `load` once, on the first call, and answers its result from then on. */
function once(load) {
    let real;
    let loaded = false;
    return () => {
        if (!loaded) {
            real = load();
            loaded = true;
        }
        return real;
    };
}

/**
 * A stand-in for the module `target()` loads. `plain`: read as the module itself. `import-star`: read through
 * TypeScript's `__importStar`, which yields an ES module as it is and a CommonJS module's properties plus `default`
 * = the module; the stand-in says `__esModule` so `__importStar` hands it through instead of enumerating it, which
 * would load it at once. `known`: properties answered without loading the module.
 */
function standIn(kind, target, known = {}) {
    const importStar = kind === "import-star";
    const viewOf = (mod) => Object(importStar && !(mod && mod.__esModule) ? { ...mod, default: mod } : mod);
    const real = () => Object(target());
    return new Proxy(
        {},
        {
            get(_t, prop) {
                if (Object.prototype.hasOwnProperty.call(known, prop)) return known[prop];
                if (importStar && prop === "__esModule") return true;
                const mod = target();
                if (importStar && prop === "default" && !(mod && mod.__esModule)) return mod;
                return Reflect.get(Object(mod), prop);
            },
            has(_t, prop) {
                if (importStar && prop === "__esModule") return true;
                return Reflect.has(viewOf(target()), prop);
            },
            // Keys and descriptors go through a snapshot object: a proxy may not report the real module's
            // non-configurable properties as its own.
            ownKeys: () => Reflect.ownKeys(viewOf(target())),
            getOwnPropertyDescriptor(_t, prop) {
                const desc = Reflect.getOwnPropertyDescriptor(viewOf(target()), prop);
                return desc && { ...desc, configurable: true };
            },
            set: (_t, prop, value) => Reflect.set(real(), prop, value),
            defineProperty: (_t, prop, desc) => Reflect.defineProperty(real(), prop, desc),
            deleteProperty: (_t, prop) => Reflect.deleteProperty(real(), prop),
        },
    );
}

module.exports = { once, standIn };
