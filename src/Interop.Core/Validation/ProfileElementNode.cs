using Hl7.Fhir.Model;

namespace Interop.Core.Validation;

/// <summary>
/// A profile's differential arranged as a tree by element id, so that slices sit under the element they slice:
/// <c>Patient.identifier:nhsNumber.system</c> is the child <c>system</c> of slice <c>nhsNumber</c> of <c>identifier</c>.
/// </summary>
internal sealed class ProfileElementNode
{
    private ProfileElementNode(string name, string? sliceName, string id)
    {
        Name = name;
        SliceName = sliceName;
        Id = id;
    }

    /// <summary>Element name as it appears in instances (<c>value[x]</c> becomes <c>value</c>).</summary>
    public string Name { get; }

    /// <summary>Slice name, or null for the element itself.</summary>
    public string? SliceName { get; }

    /// <summary>The element id in the differential (also for elements only implied by a deeper id).</summary>
    public string Id { get; }

    /// <summary>The differential's constraints on this element; null when only implied by a child's id.</summary>
    public ElementDefinition? Definition { get; private set; }

    /// <summary>Constrained child elements.</summary>
    public List<ProfileElementNode> Children { get; } = [];

    /// <summary>Slices of this element (only on the unsliced element node).</summary>
    public List<ProfileElementNode> Slices { get; } = [];

    /// <summary>Builds the tree of <paramref name="profile"/>'s differential; the root is the resource itself.</summary>
    public static ProfileElementNode Build(StructureDefinition profile)
    {
        var type = profile.Type ?? throw new InvalidOperationException($"Profile {profile.Url} has no type.");
        var root = new ProfileElementNode(type, null, type);
        foreach (var element in profile.Differential?.Element ?? [])
        {
            var id = element.ElementId ?? element.Path ?? throw new InvalidOperationException($"Profile {profile.Url} has an element without id or path.");
            var segments = id.Split('.');
            var node = root;
            var currentId = segments[0];
            for (var i = 1; i < segments.Length; i++)
            {
                var parts = segments[i].Split(':', 2);
                var name = parts[0].EndsWith("[x]", StringComparison.Ordinal) ? parts[0][..^3] : parts[0];
                currentId += "." + parts[0];
                var child = node.Children.FirstOrDefault(c => c.Name == name);
                if (child is null)
                {
                    child = new ProfileElementNode(name, null, currentId);
                    node.Children.Add(child);
                }
                node = child;
                if (parts.Length == 2)
                {
                    currentId += ":" + parts[1];
                    var slice = node.Slices.FirstOrDefault(s => s.SliceName == parts[1]);
                    if (slice is null)
                    {
                        slice = new ProfileElementNode(name, parts[1], currentId);
                        node.Slices.Add(slice);
                    }
                    node = slice;
                }
            }
            node.Definition = element;
        }
        return root;
    }

    /// <summary>The node at a dotted path below this one (used for slice discriminators), or null.</summary>
    public ProfileElementNode? Find(string relativePath)
    {
        var node = this;
        foreach (var segment in relativePath.Split('.'))
        {
            if (segment == "$this") continue;
            node = node.Children.FirstOrDefault(c => c.Name == segment);
            if (node is null) return null;
        }
        return node;
    }
}
