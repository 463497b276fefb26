// Types of scripts/bootstrap.mjs (plain JavaScript: it runs before node_modules exists), for tests.
export declare const PROJECT_ROOT: string;
export declare const DEB_PACKAGES: readonly string[];
export declare const MIN_NODE: readonly [number, number, number];
export declare class SetupError extends Error {}
export declare function nodeVersionOk(version: string, min?: readonly number[]): boolean;
export declare function lockHash(root?: string): string | undefined;
export declare function npmInstallReason(root?: string): string | undefined;
export declare function ensureNodeModules(options?: { root?: string; log?: (message: string) => void }): boolean;
export declare function parseDpkgQuery(text: string): Set<string>;
export declare function missingDebPackages(wanted?: readonly string[]): string[];
export declare function aptCommand(packages: readonly string[], root?: boolean): string;
export declare function ensureDebPackages(options?: { log?: (message: string) => void; wanted?: readonly string[] }): boolean;
export declare function bootstrap(options?: { steps?: 'all' | 'npm' | 'debs'; log?: (message: string) => void }): void;
export declare function bootstrapOrExit(options?: { steps?: 'all' | 'npm' | 'debs'; log?: (message: string) => void }): void;
