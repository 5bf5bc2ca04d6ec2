using Hl7.Fhir.Model;
using Interop.Storage.Entities;

namespace Interop.Storage;

public sealed partial class ResourceIndexer
{
    // Interim: identifiers only, until the definition-driven extractor lands.
    partial void PopulateSearchIndex(ResourceVersionRow row, Resource resource)
    {
        foreach (var (name, value) in resource.EnumerateElements())
        {
            if (name != "identifier") continue;
            IEnumerable<Identifier> identifiers = value switch
            {
                Identifier one => [one],
                IEnumerable<Identifier> many => many,
                _ => [],
            };
            foreach (var id in identifiers)
                row.Tokens.Add(new TokenIndexRow { ResourceType = row.ResourceType, ParamName = "identifier", System = id.System, Code = id.Value });
        }
    }
}
