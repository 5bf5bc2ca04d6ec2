using Interop.Storage.Entities;

namespace Interop.Storage.Consent;

/// <summary>What a consent-checked read by id found, and whether the full consent predicate had to decide it.</summary>
/// <param name="Row">The current version when the caller may see it, otherwise null.</param>
/// <param name="DecidedByPredicate">
/// False when the screening step settled the read (nothing there, or nothing consent could withhold);
/// true when the full predicate ran.
/// </param>
public readonly record struct ConsentRead(ResourceVersionRow? Row, bool DecidedByPredicate);
