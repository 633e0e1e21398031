/** Injection tokens of the platform providers. */
export const CONFIG = Symbol('packflow.config');
export const LOGGER = Symbol('packflow.logger');
export const ORM = Symbol('packflow.orm');
export const NATS = Symbol('packflow.nats');
