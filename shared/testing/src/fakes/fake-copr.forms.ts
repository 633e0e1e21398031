// What Copr's frontend refuses in a request, with its words. api_3 runs a build request
// through the web UI's WTForms form (`BuildFormCustomFactory`: script, chroot, builddeps,
// resultdir, repos, then the generic timeout and chroots) and answers
// `400 {"error": "Bad request parameters: <form.errors as a Python dict>"}`; a project
// request names chroots Copr does not have (`Unexpected chroot: …`). The custom method has
// no package name: Copr learns it from the SRPM the script makes.

/** Copr's `MAX_BUILD_TIMEOUT` (seconds; the minimum is 0). */
export const MAX_BUILD_TIMEOUT = 108_000;
/** `PackageFormCustom.script`: at most 4 kB. */
export const MAX_SCRIPT_LENGTH = 4096;

const ARCHES = '(x86_64|aarch64|ppc64le|s390x|i386|armhfp)';
/**
 * The mock chroots a Copr instance has, when a test does not list them: the families
 * Fedora's Copr builds for, any version. `fedora-latest-<arch>` is a script chroot only.
 */
const MOCK_CHROOT = new RegExp(
  `^(fedora-(\\d+|rawhide|eln)|epel-\\d+|centos-stream-\\d+|rhel-\\d+|opensuse-(tumbleweed|leap-[\\d.]+)|mageia-(cauldron|\\d+)|openeuler-[\\d.]+|amazonlinux-\\d+)-${ARCHES}$`,
);

export type FormErrors = Record<string, string[]>;

/** A mock chroot of this Copr: one of `known` when given, else one of the usual families. */
export function isMockChroot(name: string, known?: readonly string[]): boolean {
  return known ? known.includes(name) : MOCK_CHROOT.test(name);
}

/** `Bad request parameters: {'script': ['This field is required.']}`, as Copr prints form errors. */
export function badParameters(errors: FormErrors): string {
  const fields = Object.entries(errors).map(([k, v]) => `${pyString(k)}: [${v.map(pyString).join(', ')}]`);
  return `Bad request parameters: {${fields.join(', ')}}`;
}

/** Python's repr of a string: single quotes unless the text has one and no double quote. */
function pyString(text: string): string {
  if (text.includes("'") && !text.includes('"')) return `"${text.replace(/\\/g, '\\\\')}"`;
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export interface CustomBuildContext {
  /** The chroots enabled in the project the build is for. */
  projectChroots: readonly string[];
  mockChroots?: readonly string[];
  /** Whether `owner/project` exists (for `copr://owner/project` repos). */
  projectExists(owner: string, project: string): boolean;
}

/** The errors of a `build/create/url` body (`pkgs`, then the generic fields). */
export function urlBuildErrors(body: Record<string, unknown>, ctx: CustomBuildContext): FormErrors {
  const errors: FormErrors = {};
  if (words(body.pkgs).length === 0) errors.pkgs = ['This field is required.'];
  return { ...errors, ...genericErrors(body, ctx) };
}

/** The errors of a `build/create/custom` body, field by field; empty when Copr takes it. */
export function customBuildErrors(body: Record<string, unknown>, ctx: CustomBuildContext): FormErrors {
  const errors: FormErrors = {};
  const add = (field: string, message: string) => (errors[field] ??= []).push(message);
  const script = typeof body.script === 'string' ? body.script : '';
  if (!script.trim()) add('script', 'This field is required.');
  else if (script.length > MAX_SCRIPT_LENGTH) add('script', 'Maximum script size is 4kB');
  const repoError = words(body.repos)
    .map((url) => repoUrlError(url, ctx))
    .find(Boolean);
  if (repoError) add('repos', repoError);
  if (body.chroot !== undefined && body.chroot !== null) {
    const chroot = String(body.chroot);
    const latest = new RegExp(`^fedora-latest-${ARCHES}$`).test(chroot);
    if (!latest && !isMockChroot(chroot, ctx.mockChroots)) add('chroot', 'Not a valid choice.');
  }
  return { ...errors, ...genericErrors(body, ctx) };
}

/** The fields every build form has (`_get_build_form`): timeout, chroots of the project. */
function genericErrors(body: Record<string, unknown>, ctx: CustomBuildContext): FormErrors {
  const errors: FormErrors = {};
  const timeoutError = timeoutErrorOf(body.timeout);
  if (timeoutError) errors.timeout = [timeoutError];
  const unknown = strings(body.chroots).find((c) => !ctx.projectChroots.includes(c));
  if (unknown !== undefined) errors.chroots = [`'${unknown}' is not a valid choice for this field.`];
  return errors;
}

/** `Unexpected chroot: …` for project add/edit chroots this Copr does not have. */
export function unexpectedChroots(chroots: readonly string[], mockChroots?: readonly string[]): string | undefined {
  const unexpected = chroots.filter((c) => !isMockChroot(c, mockChroots));
  return unexpected.length ? `Unexpected chroot: ${unexpected.join(', ')}` : undefined;
}

/** `UrlRepoListValidator`: http(s) URLs, or `copr://owner/project` of an existing project. */
function repoUrlError(url: string, ctx: CustomBuildContext): string | undefined {
  const invalid = `A list of http[s] URLs separated by whitespace characters is needed ('${url}' doesn't seem to be a valid URL).`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return invalid;
  }
  if (!['http:', 'https:', 'copr:'].includes(parsed.protocol) || !parsed.host) return invalid;
  if (parsed.protocol !== 'copr:') return undefined;
  const project = parsed.pathname.split('/')[1];
  if (!project) return invalid;
  return ctx.projectExists(parsed.host, project) ? undefined : `${url} does not exist.`;
}

function timeoutErrorOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'number' ? value : Number(String(value));
  if (!Number.isInteger(n)) return 'Not a valid integer value.';
  return n < 0 || n > MAX_BUILD_TIMEOUT ? `Number must be between 0 and ${MAX_BUILD_TIMEOUT}.` : undefined;
}

/** A list, or the one space-separated string Copr makes of one. */
function words(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  return typeof value === 'string' ? value.split(/\s+/).filter(Boolean) : [];
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}
