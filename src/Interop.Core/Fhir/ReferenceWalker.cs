using System.Collections;
using Hl7.Fhir.Model;

namespace Interop.Core.Fhir;

/// <summary>Visits every <see cref="ResourceReference"/> in a resource, including inside contained resources and extensions.</summary>
public static class ReferenceWalker
{
    public static IEnumerable<ResourceReference> All(Base root)
    {
        var stack = new Stack<Base>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (node is ResourceReference reference) yield return reference;
            foreach (var (_, value) in node.EnumerateElements())
            {
                switch (value)
                {
                    case Base child:
                        stack.Push(child);
                        break;
                    case IEnumerable list when value is not string:
                        foreach (var item in list)
                            if (item is Base b) stack.Push(b);
                        break;
                }
            }
        }
    }
}
