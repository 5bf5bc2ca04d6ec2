namespace Interop.Core.Patch;

/// <summary>The operation types of FHIRPath Patch (R4 fhirpatch.html, "Operations" table).</summary>
internal enum FhirPathPatchOperationType
{
    Add,
    Insert,
    Delete,
    Replace,
    Move,
}
