using Hl7.Fhir.Model;

namespace Interop.Core.Patch;

/// <summary>
/// Maps every element of a POCO tree to its <see cref="ElementLocation"/>, by reference.
/// FHIRPath evaluation on POCOs hands back the very instances held in the tree but not their parents,
/// and a patch needs the parent to remove or replace an element.
/// </summary>
internal sealed class ElementParentIndex
{
    private readonly Dictionary<Base, ElementLocation> _locations = new(ReferenceEqualityComparer.Instance);

    /// <summary>Indexes <paramref name="root"/>; build a new index after each change to the tree.</summary>
    public ElementParentIndex(Base root)
    {
        Root = root;
        Walk(root);
    }

    public Base Root { get; }

    /// <summary>False for the root and for values that are not part of the tree (computed FHIRPath results, other resources).</summary>
    public bool TryGetLocation(Base element, out ElementLocation location) => _locations.TryGetValue(element, out location);

    /// <summary>True for the root and every element reachable from it.</summary>
    public bool Contains(Base element) => ReferenceEquals(element, Root) || _locations.ContainsKey(element);

    private void Walk(Base parent)
    {
        foreach (var (name, value) in parent.EnumerateElements())
        {
            switch (value)
            {
                case Base child:
                    _locations[child] = new ElementLocation(parent, name, -1);
                    Walk(child);
                    break;
                case IEnumerable<Base> items:
                    var index = 0;
                    foreach (var item in items)
                    {
                        _locations[item] = new ElementLocation(parent, name, index++);
                        Walk(item);
                    }
                    break;
            }
        }
    }
}
