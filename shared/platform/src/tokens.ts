/** Injection tokens of the platform providers. */
export const CONFIG = Symbol('packflow.config');
export const LOGGER = Symbol('packflow.logger');
/** The one `Database` of the process: every SQL statement runs on it. */
export const DATABASE = Symbol('packflow.database');
/** MikroORM, for entity work only (dead letters); it keeps a small pool of its own. */
export const ORM = Symbol('packflow.orm');
export const NATS = Symbol('packflow.nats');
