using Interop.Storage.Entities;

namespace Interop.Storage.Consent;

/// <summary>
/// A current row within the caller's scope (type, compartment), and whether consent could withhold
/// it from them at all: the first, cheap step of a consent-checked read by id
/// (<see cref="ConsentFilter.ReadCurrentAsync"/>). Only a row that may be withheld goes on to the
/// full predicate.
/// </summary>
public sealed class ScreenedRow
{
    public ResourceVersionRow Row { get; init; } = null!;

    /// <summary>
    /// False when no part of the consent predicate can refuse the row: it carries no sensitive label
    /// and no patient of its compartment has a deny rule, or the caller is its custodian.
    /// </summary>
    public bool MayBeWithheld { get; init; }
}
