using System.Collections;
using Hl7.Fhir.Model;

namespace Interop.Core.Validation;

/// <summary>
/// A value inside a resource together with its FHIRPath location, e.g. <c>Patient.identifier[0].value</c>: repeating
/// elements carry an index, single ones do not (the form FHIR expects in <c>OperationOutcome.issue.expression</c>).
/// </summary>
internal sealed record InstanceNode(Base Value, string Path)
{
    /// <summary>The children called <paramref name="name"/> (choice elements by their name without <c>[x]</c>).</summary>
    public IReadOnlyList<InstanceNode> Children(string name)
    {
        foreach (var (key, value) in Value.EnumerateElements())
        {
            if (key != name) continue;
            return value switch
            {
                Base single => [new InstanceNode(single, $"{Path}.{name}")],
                IEnumerable list => list.OfType<Base>().Select((b, i) => new InstanceNode(b, $"{Path}.{name}[{i}]")).ToList(),
                _ => [],
            };
        }
        return [];
    }

    /// <summary>Every value below this one (not this one), depth first, with locations.</summary>
    public IEnumerable<InstanceNode> Descendants()
    {
        foreach (var (key, value) in Value.EnumerateElements())
        {
            IEnumerable<InstanceNode> children = value switch
            {
                Base single => [new InstanceNode(single, $"{Path}.{key}")],
                IEnumerable list => list.OfType<Base>().Select((b, i) => new InstanceNode(b, $"{Path}.{key}[{i}]")),
                _ => [],
            };
            foreach (var child in children)
            {
                yield return child;
                foreach (var below in child.Descendants()) yield return below;
            }
        }
    }

    /// <summary>Follows a dotted relative path (<c>code</c>, <c>system</c>, <c>period.start</c>) to every value on it.</summary>
    public IReadOnlyList<InstanceNode> Navigate(string relativePath)
    {
        IReadOnlyList<InstanceNode> current = [this];
        foreach (var segment in relativePath.Split('.'))
        {
            if (segment == "$this") continue;
            current = current.SelectMany(n => n.Children(segment)).ToList();
        }
        return current;
    }
}
