/**
 * The snapshot event types among a router's types. A router also lists thin types (`v1.*`,
 * `v2.*`: the checkout helpers register both kinds), but the Events API (`/v1/events`) and a
 * webhook endpoint's `enabled_events` know only snapshot types; thin events travel through event
 * destinations.
 */
export function snapshotTypesOf(router: { readonly eventTypes: ReadonlySet<string> }): string[] {
  return [...router.eventTypes].filter((type) => !/^v\d+\./.test(type));
}
