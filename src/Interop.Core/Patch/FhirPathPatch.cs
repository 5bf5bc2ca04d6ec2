using System.Collections;
using System.Text.RegularExpressions;
using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Introspection;
using Hl7.Fhir.Model;
using Hl7.Fhir.Utility;
using Hl7.FhirPath;
using Interop.Core.Fhir;

namespace Interop.Core.Patch;

/// <summary>
/// Applies a FHIRPath Patch (R4 fhirpatch.html): a <c>Parameters</c> resource sent with the FHIR
/// media types, each <c>operation</c> parameter holding <c>type</c> (add | insert | delete | replace | move),
/// <c>path</c> and, as the type needs, <c>name</c>, <c>value</c>, <c>index</c>, <c>source</c>, <c>destination</c>.
/// </summary>
/// <remarks>
/// Works on a deep copy; the input resource is never changed. A malformed patch (unknown type, a
/// missing part, FHIRPath that does not parse) is a 400 listing every malformed operation. Problems
/// met while applying are collected from every operation (an operation that fails changes nothing
/// and the next one still runs, so one answer reports them all) and returned as one 422, each issue
/// naming its operation in <c>expression</c>. Spec rules enforced: path must select a single element
/// of this resource (delete of nothing is a no-op); add to a repeating element appends and to a
/// single one only when it is empty; insert index is 0..count; the value's type must fit. A patch
/// may not change <c>Resource.id</c>.
/// </remarks>
public static class FhirPathPatch
{
    /// <summary>The name every parameter of a FHIRPath Patch carries.</summary>
    public const string OperationParameter = "operation";

    private static readonly string[] KnownParts = ["type", "path", "name", "value", "index", "source", "destination"];

    // A path that ends in a plain element name: "Patient.name.where(use='old').given" -> parent + "given".
    private static readonly Regex TrailingElement = new(@"^(?<parent>.+)\.(?<name>[A-Za-z][A-Za-z0-9_]*)$", RegexOptions.CultureInvariant);

    /// <summary>Returns a patched copy of <paramref name="resource"/>.</summary>
    /// <exception cref="FhirException">400 for a malformed patch, 422 when it cannot be applied.</exception>
    public static Resource Apply(Resource resource, Parameters patch)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(patch);

        var operations = Parse(patch);
        var working = resource.DeepCopy();
        var issues = new List<OperationOutcome.IssueComponent>();
        foreach (var operation in operations)
        {
            var problems = new List<string>();
            try
            {
                ApplyOperation(working, operation, problems);
            }
            catch (Exception e) when (e is CodedException or InvalidCastException or ArgumentException or InvalidOperationException or FormatException)
            {
                // Firely's SetValue (CodedValidationException, InvalidCastException) and FHIRPath evaluation
                // report type and evaluation errors this way; the value builder checks types first, so this is a backstop.
                problems.Add(e.Message);
            }
            issues.AddRange(problems.Select(p => Outcomes.Issue(OperationOutcome.IssueType.Processing,
                $"{operation.Describe()}: {p}.", FhirErrorCode.InvalidRequest, operation.Expression)));
        }

        if (issues.Count > 0)
            throw FhirException.Unprocessable(new OperationOutcome { Issue = issues });
        return working;
    }

    private static List<FhirPathPatchOperation> Parse(Parameters patch)
    {
        var operations = new List<FhirPathPatchOperation>();
        var issues = new List<OperationOutcome.IssueComponent>();
        for (var index = 0; index < patch.Parameter.Count; index++)
        {
            var problems = new List<string>();
            var operation = ParseOperation(index, patch.Parameter[index], problems);
            if (operation is not null)
                operations.Add(operation);
            issues.AddRange(problems.Select(p => Outcomes.Issue(OperationOutcome.IssueType.Invalid,
                $"operation {index}: {p}.", FhirErrorCode.InvalidRequest, $"Parameters.parameter[{index}]")));
        }
        if (issues.Count > 0)
            throw new FhirException(400, new OperationOutcome { Issue = issues });
        return operations;
    }

    private static FhirPathPatchOperation? ParseOperation(int index, Parameters.ParameterComponent parameter, List<string> problems)
    {
        if (parameter.Name != OperationParameter)
        {
            problems.Add($"parameter '{parameter.Name}' is not allowed; a FHIRPath Patch holds only '{OperationParameter}' parameters");
            return null;
        }

        var parts = new Dictionary<string, Parameters.ParameterComponent>(StringComparer.Ordinal);
        foreach (var part in parameter.Part)
        {
            if (part.Name is null || !KnownParts.Contains(part.Name))
                problems.Add($"unknown part '{part.Name}' (expected {string.Join(", ", KnownParts)})");
            else if (!parts.TryAdd(part.Name, part))
                problems.Add($"part '{part.Name}' is given more than once");
        }

        var typeText = ReadString(parts, "type", problems, required: true);
        FhirPathPatchOperationType? type = null;
        if (typeText is not null)
        {
            if (Enum.TryParse<FhirPathPatchOperationType>(typeText, ignoreCase: false, out var parsed) || TryParseLowerCase(typeText, out parsed))
                type = parsed;
            else
                problems.Add($"unknown type '{typeText}' (expected add, insert, delete, replace or move)");
        }

        var path = ReadString(parts, "path", problems, required: true);
        if (path is not null)
            CheckSyntax(path, problems);

        string? name = null;
        Parameters.ParameterComponent? value = null;
        int? insertAt = null, source = null, destination = null;
        switch (type)
        {
            case FhirPathPatchOperationType.Add:
                name = ReadString(parts, "name", problems, required: true);
                value = ReadValue(parts, problems);
                break;
            case FhirPathPatchOperationType.Insert:
                value = ReadValue(parts, problems);
                insertAt = ReadIndex(parts, "index", problems);
                break;
            case FhirPathPatchOperationType.Replace:
                value = ReadValue(parts, problems);
                break;
            case FhirPathPatchOperationType.Move:
                source = ReadIndex(parts, "source", problems);
                destination = ReadIndex(parts, "destination", problems);
                break;
        }

        return problems.Count == 0 && type is not null && path is not null
            ? new FhirPathPatchOperation(index, type.Value, path, name, value, insertAt, source, destination)
            : null;
    }

    // The spec's codes are lower case ("add"); the enum names are not.
    private static bool TryParseLowerCase(string text, out FhirPathPatchOperationType type)
    {
        type = default;
        return text.All(char.IsAsciiLetterLower) && Enum.TryParse(text, ignoreCase: true, out type);
    }

    private static void CheckSyntax(string path, List<string> problems)
    {
        try
        {
            new FhirPathCompiler().Parse(path);
        }
        catch (FormatException e)
        {
            problems.Add($"path '{path}' is not valid FHIRPath: {e.Message}");
        }
    }

    private static string? ReadString(Dictionary<string, Parameters.ParameterComponent> parts, string name, List<string> problems, bool required)
    {
        if (!parts.TryGetValue(name, out var part))
        {
            if (required)
                problems.Add($"part '{name}' is required");
            return null;
        }
        if (part.Value is PrimitiveType { JsonValue: string text } && text.Length > 0)
            return text;
        problems.Add($"part '{name}' must have a non-empty string value (value{(name == "type" ? "Code" : "String")})");
        return null;
    }

    private static Parameters.ParameterComponent? ReadValue(Dictionary<string, Parameters.ParameterComponent> parts, List<string> problems)
    {
        if (!parts.TryGetValue("value", out var part))
        {
            problems.Add("part 'value' is required");
            return null;
        }
        if (part.Value is null && part.Resource is null && part.Part.Count == 0)
        {
            problems.Add("part 'value' has no value[x], resource or parts");
            return null;
        }
        return part;
    }

    private static int? ReadIndex(Dictionary<string, Parameters.ParameterComponent> parts, string name, List<string> problems)
    {
        if (!parts.TryGetValue(name, out var part))
        {
            problems.Add($"part '{name}' is required");
            return null;
        }
        int? number = part.Value switch
        {
            Integer i => i.Value,
            UnsignedInt u => u.Value,
            PositiveInt p => p.Value,
            _ => null,
        };
        if (number is >= 0)
            return number;
        problems.Add($"part '{name}' must be a non-negative valueInteger");
        return null;
    }

    private static void ApplyOperation(Resource root, FhirPathPatchOperation operation, List<string> problems)
    {
        var tree = new ElementParentIndex(root);
        switch (operation.Type)
        {
            case FhirPathPatchOperationType.Add:
                Add(tree, operation, problems);
                break;
            case FhirPathPatchOperationType.Insert:
                Insert(tree, operation, problems);
                break;
            case FhirPathPatchOperationType.Delete:
                Delete(tree, operation, problems);
                break;
            case FhirPathPatchOperationType.Replace:
                Replace(tree, operation, problems);
                break;
            case FhirPathPatchOperationType.Move:
                Move(tree, operation, problems);
                break;
        }
    }

    private static void Add(ElementParentIndex tree, FhirPathPatchOperation operation, List<string> problems)
    {
        if (SelectSingle(tree, operation.Path, "add", problems) is not { } parent)
            return;
        var name = operation.Name!;
        var property = PocoElements.FindProperty(parent, name);
        if (property is null || property.IsPrimitive)
        {
            problems.Add($"{parent.TypeName} has no element '{name}'");
            return;
        }
        if (IsResourceId(tree, parent, name))
        {
            problems.Add("a patch may not change the resource id");
            return;
        }
        if (!property.IsCollection && PocoElements.HasValue(parent, property.Name))
        {
            problems.Add($"{PocoElements.Describe(parent, name)} already has a value and does not repeat; use replace");
            return;
        }
        var value = PatchValueBuilder.Build(operation.Value!, property, PocoElements.Describe(parent, name), problems);
        if (value is not null && problems.Count == 0)
            PocoElements.Assign(parent, property, value);
    }

    private static void Insert(ElementParentIndex tree, FhirPathPatchOperation operation, List<string> problems)
    {
        if (SelectList(tree, operation.Path, problems) is not var (parent, property))
            return;
        var count = PocoElements.FindList(parent, property.Name)?.Count ?? 0;
        var index = operation.InsertAt!.Value;
        if (index > count)
        {
            problems.Add($"index {index} is past the end of {PocoElements.Describe(parent, property.Name)} ({count} items); it may be at most {count}");
            return;
        }
        var value = PatchValueBuilder.Build(operation.Value!, property, PocoElements.Describe(parent, property.Name), problems);
        if (value is not null && problems.Count == 0)
            PocoElements.GetOrCreateList(parent, property).Insert(index, value);
    }

    private static void Delete(ElementParentIndex tree, FhirPathPatchOperation operation, List<string> problems)
    {
        if (Select(tree, operation.Path, problems) is not { } matches || matches.Count == 0)
            return; // fhirpatch.html: "Path of the element to delete (if found)": nothing to delete is not an error.
        if (matches.Count > 1)
        {
            problems.Add($"path matches {matches.Count} elements; delete removes exactly one");
            return;
        }
        if (Locate(tree, matches[0], "delete", problems) is not { } location)
            return;
        if (IsResourceId(tree, location.Parent, location.Name))
        {
            problems.Add("a patch may not change the resource id");
            return;
        }
        PocoElements.Remove(location);
    }

    private static void Replace(ElementParentIndex tree, FhirPathPatchOperation operation, List<string> problems)
    {
        if (SelectSingle(tree, operation.Path, "replace", problems) is not { } target)
            return;
        if (Locate(tree, target, "replace", problems) is not { } location)
            return;
        if (IsResourceId(tree, location.Parent, location.Name))
        {
            problems.Add("a patch may not change the resource id");
            return;
        }
        var property = PocoElements.FindProperty(location.Parent, location.Name);
        if (property is null)
        {
            problems.Add($"{PocoElements.Describe(location.Parent, location.Name)} is not an element of the R4 model");
            return;
        }
        var value = PatchValueBuilder.Build(operation.Value!, property, PocoElements.Describe(location.Parent, location.Name), problems);
        if (value is not null && problems.Count == 0)
            PocoElements.Replace(location, value);
    }

    private static void Move(ElementParentIndex tree, FhirPathPatchOperation operation, List<string> problems)
    {
        if (SelectList(tree, operation.Path, problems) is not var (parent, property))
            return;
        var list = PocoElements.FindList(parent, property.Name);
        var count = list?.Count ?? 0;
        foreach (var (label, index) in new[] { ("source", operation.Source!.Value), ("destination", operation.Destination!.Value) })
        {
            if (index >= count)
                problems.Add($"{label} index {index} is outside {PocoElements.Describe(parent, property.Name)} ({count} items)");
        }
        if (problems.Count > 0 || list is null)
            return;
        var item = list[operation.Source!.Value];
        list.RemoveAt(operation.Source.Value);
        list.Insert(operation.Destination!.Value, item);
    }

    private static List<Base>? Select(ElementParentIndex tree, string path, List<string> problems)
    {
        try
        {
            var matches = tree.Root.Select(path, new FhirEvaluationContext()).ToList();
            if (matches.Any(m => m is null))
            {
                // Results that are not POCOs (System types such as count()) come back as null.
                problems.Add("path selects a computed value, not an element of this resource");
                return null;
            }
            return matches!;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or InvalidCastException)
        {
            problems.Add($"path '{path}' cannot be evaluated: {e.Message}");
            return null;
        }
    }

    /// <summary>fhirpatch.html: "The FHIRPath statement must return a single element" (delete excepted, handled by its caller).</summary>
    private static Base? SelectSingle(ElementParentIndex tree, string path, string verb, List<string> problems)
    {
        if (Select(tree, path, problems) is not { } matches)
            return null;
        if (matches.Count != 1)
        {
            problems.Add(matches.Count == 0
                ? "path matches nothing"
                : $"path matches {matches.Count} elements; {verb} needs exactly one");
            return null;
        }
        if (!tree.Contains(matches[0]))
        {
            problems.Add("path selects a value that is not an element of this resource (a computed value or another resource)");
            return null;
        }
        return matches[0];
    }

    private static ElementLocation? Locate(ElementParentIndex tree, Base element, string verb, List<string> problems)
    {
        if (tree.TryGetLocation(element, out var location))
            return location;
        problems.Add(ReferenceEquals(element, tree.Root)
            ? $"cannot {verb} the resource itself"
            : "path selects a value that is not an element of this resource (a computed value or another resource)");
        return null;
    }

    /// <summary>
    /// Finds the list that insert and move work on ("Path of the collection"). The path may select
    /// the list's items (<c>Patient.identifier</c>) or, when the list is empty, name it after a
    /// single parent element (<c>Patient.telecom</c> on a patient without telecom).
    /// </summary>
    private static (Base Parent, PropertyMapping Property)? SelectList(ElementParentIndex tree, string path, List<string> problems)
    {
        if (Select(tree, path, problems) is not { } matches)
            return null;

        if (matches.Count == 0)
            return SelectEmptyList(tree, path, problems);

        var locations = new List<ElementLocation>();
        foreach (var match in matches)
        {
            if (!tree.TryGetLocation(match, out var location))
            {
                problems.Add("path selects a value that is not an element of this resource");
                return null;
            }
            locations.Add(location);
        }
        var lists = locations.Select(l => (l.Parent, l.Name)).Distinct().ToList();
        if (lists.Count > 1)
        {
            problems.Add($"path selects items of {lists.Count} different lists; it must name one collection");
            return null;
        }
        var (parent, name) = lists[0];
        var property = PocoElements.FindProperty(parent, name);
        if (property is null || !property.IsCollection)
        {
            problems.Add($"{PocoElements.Describe(parent, name)} is not a collection");
            return null;
        }
        return (parent, property);
    }

    private static (Base Parent, PropertyMapping Property)? SelectEmptyList(ElementParentIndex tree, string path, List<string> problems)
    {
        var split = TrailingElement.Match(path);
        var (parentPath, name) = split.Success ? (split.Groups["parent"].Value, split.Groups["name"].Value) : ((string?)null, path);
        var parent = parentPath is null ? tree.Root : SelectSingle(tree, parentPath, "insert", []);
        var property = parent is null ? null : PocoElements.FindProperty(parent, name);
        if (parent is null || property is null || !property.IsCollection)
        {
            problems.Add("path matches nothing");
            return null;
        }
        return (parent, property);
    }

    private static bool IsResourceId(ElementParentIndex tree, Base parent, string name) =>
        ReferenceEquals(parent, tree.Root) && name == "id";
}
