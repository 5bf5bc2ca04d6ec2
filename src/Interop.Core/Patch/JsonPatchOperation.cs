using System.Text.Json.Nodes;

namespace Interop.Core.Patch;

/// <summary>One validated entry of a JSON Patch document (RFC 6902 section 4).</summary>
/// <param name="Index">Position in the patch array (0-based), quoted in every error.</param>
/// <param name="Op">add, remove, replace, move, copy or test.</param>
/// <param name="Path">The target location.</param>
/// <param name="From">The source location of move and copy.</param>
/// <param name="Value">The value of add, replace and test; JSON <c>null</c> is a legal value, hence a node that may be null.</param>
internal sealed record JsonPatchOperation(int Index, string Op, JsonPointer Path, JsonPointer? From, JsonNode? Value)
{
    /// <summary>"operation 2 (replace /birthDate)": how errors name the operation.</summary>
    public string Describe() =>
        From is null ? $"operation {Index} ({Op} {Path})" : $"operation {Index} ({Op} {From} -> {Path})";
}
