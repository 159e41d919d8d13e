/**
 * The versions of the service protocol and how a caller names the one it speaks. Both sides
 * read them: the companion says its version, the service answers each caller in the version
 * it reads.
 */

/**
 * The protocol this companion speaks. 2: the handshake carries `protocol` and `epoch`, the
 * service answers with a `session` message first, and every event carries its `outcome`.
 * 3 (issue 13): settings documents of version 2 (per-type channels, mandatory channels, the
 * business's country) in every answer and push, `held` and `digested` deliveries in outcomes,
 * and `outcomeUpdated` when a held delivery goes out in a digest. 4 (issue 14): a
 * `preferencesChanged` push names who made the change (`changedBy`, `deviceName`). A device that
 * sends no `protocol` is spoken to as protocol 1 (no `session`, no `outcome`, version-1 documents).
 */
export const currentProtocol = 4;

/** The first protocol whose devices read version-2 settings documents. */
export const preferencesV2Protocol = 3;

/**
 * The first protocol whose devices read `changedBy` and `deviceName` in a `preferencesChanged`
 * push. A protocol-3 device's strict schema refuses a push that carries them, and would then not
 * hear of the change until its next download: it is sent the push without them.
 */
export const changeAuthorProtocol = 4;

/**
 * The HTTP header in which a caller says the protocol it speaks (`X-Ringside-Protocol: 3`).
 * Without it the service answers as to protocol 2 (companions before issue 13 sent none).
 */
export const protocolHeader = 'x-ringside-protocol';
