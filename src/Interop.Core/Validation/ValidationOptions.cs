using Hl7.Fhir.Model;

namespace Interop.Core.Validation;

/// <summary>
/// Configuration section <c>Validation</c>: how strictly writes are validated, per resource type.
/// </summary>
/// <remarks>
/// Keys (appsettings, or environment variables with <c>__</c>):
/// <list type="bullet">
/// <item><c>Validation:DefaultMode</c> = <c>Off</c> | <c>Warn</c> | <c>Enforce</c> (default <c>Enforce</c>): mode for every
/// resource type not listed below.</item>
/// <item><c>Validation:ResourceTypes:{Type}</c> = <c>Off</c> | <c>Warn</c> | <c>Enforce</c>: override for one type,
/// e.g. <c>Validation:ResourceTypes:AuditEvent = Warn</c>.</item>
/// </list>
/// What is validated does not depend on the mode: a type we own a profile for is checked against base R4 and that
/// profile; any other type against base R4 structure only. The mode only says what happens to the result on write.
/// <c>$validate</c> always validates fully, whatever the mode.
/// </remarks>
public sealed class ValidationOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Validation";

    /// <summary>Mode for resource types without an entry in <see cref="ResourceTypes"/>.</summary>
    public ValidationMode DefaultMode { get; set; } = ValidationMode.Enforce;

    /// <summary>Per resource type overrides, keyed by FHIR resource type name (case-sensitive, e.g. <c>Patient</c>).</summary>
    public Dictionary<string, ValidationMode> ResourceTypes { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The mode that applies to writes of <paramref name="resourceType"/>.</summary>
    public ValidationMode ModeFor(string resourceType) =>
        ResourceTypes.TryGetValue(resourceType, out var mode) ? mode : DefaultMode;

    /// <summary>
    /// Problems with the configured values (unknown resource type names), for start-up validation so that a typo
    /// fails the boot rather than silently validating nothing.
    /// </summary>
    public IReadOnlyList<string> FindProblems()
    {
        var problems = new List<string>();
        foreach (var (type, mode) in ResourceTypes)
        {
            if (!ModelInfo.IsKnownResource(type))
                problems.Add($"{SectionName}:{nameof(ResourceTypes)}:{type} is not a FHIR R4 resource type.");
            if (!Enum.IsDefined(mode))
                problems.Add($"{SectionName}:{nameof(ResourceTypes)}:{type} has an unknown mode '{mode}'.");
        }
        if (!Enum.IsDefined(DefaultMode))
            problems.Add($"{SectionName}:{nameof(DefaultMode)} has an unknown mode '{DefaultMode}'.");
        return problems;
    }
}
