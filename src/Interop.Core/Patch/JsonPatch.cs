using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using Interop.Core.Fhir;

namespace Interop.Core.Patch;

/// <summary>
/// Applies a JSON Patch document (RFC 6902, media type <c>application/json-patch+json</c>) to the
/// JSON of a FHIR resource, as the FHIR R4 <c>patch</c> interaction allows (http.html#patch).
/// </summary>
/// <remarks>
/// The whole patch applies or nothing does. A malformed patch document is a 400 listing every
/// malformed operation; the first operation that cannot be applied (missing path, failed
/// <c>test</c>) stops the patch with a 422 naming its index, because RFC 6902 section 5 requires
/// evaluation to stop there and later operations would see a document that never existed. A patch
/// may not change <c>resourceType</c> or <c>id</c> (FHIR http.html#patch: the id is the one in the URL).
/// </remarks>
public static class JsonPatch
{
    /// <summary>The media type a client sends JSON Patch with.</summary>
    public const string MediaType = "application/json-patch+json";

    /// <summary>
    /// Upper bound on JSON nodes (objects, arrays and values) the patched resource may hold.
    /// Repeated <c>copy</c> doubles a document each time, so a small patch could otherwise build a huge one.
    /// </summary>
    public const int MaxResultNodes = 250_000;

    private static readonly string[] KnownOps = ["add", "remove", "replace", "move", "copy", "test"];

    private static readonly JsonSerializerOptions OutputOptions = new()
    {
        // The result is stored and parsed as FHIR JSON, never embedded in HTML: keep non-ASCII text readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Applies <paramref name="patchDocumentJson"/> to <paramref name="resourceJson"/> and returns the patched JSON.</summary>
    /// <param name="resourceJson">The current version of the resource, as stored (a JSON object).</param>
    /// <param name="patchDocumentJson">The request body: a JSON array of operations.</param>
    /// <exception cref="ArgumentException"><paramref name="resourceJson"/> is not a JSON object.</exception>
    /// <exception cref="FhirException">400 for a malformed patch document, 422 when it cannot be applied,
    /// 413 when the result would exceed <see cref="MaxResultNodes"/>.</exception>
    public static string Apply(string resourceJson, string patchDocumentJson)
    {
        ArgumentNullException.ThrowIfNull(resourceJson);
        ArgumentNullException.ThrowIfNull(patchDocumentJson);

        var operations = ParseDocument(patchDocumentJson);
        var original = ParseResource(resourceJson);
        JsonNode? document = original.DeepClone();

        var nodeCount = CountNodes(document);
        foreach (var operation in operations)
        {
            document = ApplyOperation(document, operation, out var added);
            nodeCount += added;
            if (nodeCount > MaxResultNodes)
                throw FhirException.TooLarge($"{operation.Describe()}: the patched resource would exceed {MaxResultNodes} JSON nodes.");
        }

        CheckIdentityUnchanged(original, document);
        return document!.ToJsonString(OutputOptions);
    }

    private static JsonObject ParseResource(string resourceJson)
    {
        try
        {
            return JsonNode.Parse(resourceJson) as JsonObject
                ?? throw new ArgumentException("The resource JSON is not a JSON object.", nameof(resourceJson));
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"The resource JSON is not valid JSON: {e.Message}", nameof(resourceJson), e);
        }
    }

    private static List<JsonPatchOperation> ParseDocument(string patchDocumentJson)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(patchDocumentJson);
        }
        catch (JsonException e)
        {
            throw FhirException.BadRequest($"The JSON Patch document is not valid JSON: {e.Message}");
        }
        if (root is not JsonArray array)
            throw FhirException.BadRequest("A JSON Patch document must be a JSON array of operations (RFC 6902 section 3).");

        var operations = new List<JsonPatchOperation>();
        var problems = new List<string>();
        for (var index = 0; index < array.Count; index++)
        {
            try
            {
                var operation = ParseOperation(index, array[index], problems);
                if (operation is not null)
                    operations.Add(operation);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                // System.Text.Json reports duplicate member names lazily, when the object is first read.
                problems.Add($"operation {index}: {e.Message}");
            }
        }

        if (problems.Count > 0)
        {
            var outcome = new OperationOutcome
            {
                Issue = problems.Select(p => Outcomes.Issue(OperationOutcome.IssueType.Invalid, p, FhirErrorCode.InvalidRequest)).ToList(),
            };
            throw new FhirException(400, outcome);
        }
        return operations;
    }

    private static JsonPatchOperation? ParseOperation(int index, JsonNode? node, List<string> problems)
    {
        if (node is not JsonObject member)
        {
            problems.Add($"operation {index}: must be a JSON object");
            return null;
        }

        var before = problems.Count;
        var op = ReadString(member, "op", index, problems);
        if (op is not null && !KnownOps.Contains(op))
            problems.Add($"operation {index}: unknown op '{op}' (expected one of {string.Join(", ", KnownOps)})");

        var path = ReadPointer(member, "path", index, problems);
        JsonPointer? from = null;
        if (op is "move" or "copy")
            from = ReadPointer(member, "from", index, problems);
        if (op is "add" or "replace" or "test" && !member.ContainsKey("value"))
            problems.Add($"operation {index}: '{op}' needs a 'value' member");

        if (problems.Count > before || op is null || path is null)
            return null;
        return new JsonPatchOperation(index, op, path, from, member.TryGetPropertyValue("value", out var value) ? value : null);
    }

    private static string? ReadString(JsonObject member, string name, int index, List<string> problems)
    {
        if (!member.TryGetPropertyValue(name, out var node))
        {
            problems.Add($"operation {index}: missing '{name}'");
            return null;
        }
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String)
            return value.GetValue<string>();
        problems.Add($"operation {index}: '{name}' must be a string");
        return null;
    }

    private static JsonPointer? ReadPointer(JsonObject member, string name, int index, List<string> problems)
    {
        var text = ReadString(member, name, index, problems);
        if (text is null)
            return null;
        if (JsonPointer.TryParse(text, out var pointer, out var error))
            return pointer;
        problems.Add($"operation {index}: '{name}' {error}");
        return null;
    }

    /// <returns>The (possibly replaced) document; <paramref name="addedNodes"/> counts the nodes the operation brought in.</returns>
    private static JsonNode? ApplyOperation(JsonNode? document, JsonPatchOperation operation, out int addedNodes)
    {
        addedNodes = 0;
        switch (operation.Op)
        {
            case "add":
            {
                var value = operation.Value?.DeepClone();
                addedNodes = CountNodes(value);
                return Add(document, operation.Path, value, operation);
            }
            case "remove":
                Remove(document, operation.Path, operation);
                return document;
            case "replace":
            {
                var value = operation.Value?.DeepClone();
                addedNodes = CountNodes(value);
                if (operation.Path.IsWholeDocument)
                    return value;
                var (container, token) = ResolveExisting(document, operation.Path, operation);
                if (container is JsonObject obj)
                    obj[token] = value;
                else
                    ((JsonArray)container)[ExistingIndex((JsonArray)container, token, operation)] = value;
                return document;
            }
            case "move":
            {
                var from = operation.From!;
                // RFC 6902 section 4.4: a location cannot be moved into one of its own children.
                if (from.IsProperPrefixOf(operation.Path))
                    throw Unprocessable(operation, "'from' is an ancestor of 'path', so the value cannot be moved into itself");
                var value = Get(document, from, operation);
                if (from.Tokens.SequenceEqual(operation.Path.Tokens))
                    return document;
                Remove(document, from, operation);
                return Add(document, operation.Path, value, operation);
            }
            case "copy":
            {
                var value = Get(document, operation.From!, operation)?.DeepClone();
                addedNodes = CountNodes(value);
                return Add(document, operation.Path, value, operation);
            }
            case "test":
            {
                var actual = Get(document, operation.Path, operation);
                if (!JsonEquals(actual, operation.Value))
                    throw Unprocessable(operation, $"test failed: the value is {Show(actual)}, expected {Show(operation.Value)}");
                return document;
            }
            default:
                throw new InvalidOperationException($"Unhandled JSON Patch op '{operation.Op}'.");
        }
    }

    private static JsonNode? Add(JsonNode? document, JsonPointer path, JsonNode? value, JsonPatchOperation operation)
    {
        if (path.IsWholeDocument)
            return value;
        var container = Navigate(document, path.Tokens.Take(path.Tokens.Count - 1), path, operation);
        var token = path.Tokens[^1];
        switch (container)
        {
            case JsonObject obj:
                // RFC 6902 section 4.1: adding to an existing member replaces it.
                obj[token] = value;
                break;
            case JsonArray array when token == "-":
                array.Add(value);
                break;
            case JsonArray array:
                var index = ParseIndex(token, operation, path);
                if (index > array.Count)
                    throw Unprocessable(operation, $"index {index} is past the end of the array at '{path}' ({array.Count} items)");
                array.Insert(index, value);
                break;
            default:
                throw Unprocessable(operation, $"the parent of '{path}' is not an object or an array");
        }
        return document;
    }

    private static void Remove(JsonNode? document, JsonPointer path, JsonPatchOperation operation)
    {
        if (path.IsWholeDocument)
            throw Unprocessable(operation, "the whole resource cannot be removed");
        var (container, token) = ResolveExisting(document, path, operation);
        if (container is JsonObject obj)
            obj.Remove(token);
        else
            ((JsonArray)container).RemoveAt(ExistingIndex((JsonArray)container, token, operation));
    }

    private static JsonNode? Get(JsonNode? document, JsonPointer path, JsonPatchOperation operation)
    {
        if (path.IsWholeDocument)
            return document;
        var (container, token) = ResolveExisting(document, path, operation);
        return container is JsonObject obj ? obj[token] : ((JsonArray)container)[ExistingIndex((JsonArray)container, token, operation)];
    }

    /// <summary>Finds the container holding an existing target location and the last reference token.</summary>
    private static (JsonNode Container, string Token) ResolveExisting(JsonNode? document, JsonPointer path, JsonPatchOperation operation)
    {
        var container = Navigate(document, path.Tokens.Take(path.Tokens.Count - 1), path, operation);
        var token = path.Tokens[^1];
        switch (container)
        {
            case JsonObject obj when obj.ContainsKey(token):
                return (obj, token);
            case JsonObject:
                throw Unprocessable(operation, $"path '{path}' does not exist (no member '{token}')");
            case JsonArray array:
                ExistingIndex(array, token, operation);
                return (array, token);
            default:
                throw Unprocessable(operation, $"path '{path}' does not exist (its parent is not an object or an array)");
        }
    }

    private static JsonNode Navigate(JsonNode? document, IEnumerable<string> tokens, JsonPointer path, JsonPatchOperation operation)
    {
        var current = document;
        foreach (var token in tokens)
        {
            current = current switch
            {
                JsonObject obj when obj.TryGetPropertyValue(token, out var child) => child,
                JsonArray array when token != "-" && TryParseIndex(token, out var i) && i < array.Count => array[i],
                _ => throw Unprocessable(operation, $"path '{path}' does not exist (cannot resolve '{token}')"),
            };
        }
        return current ?? throw Unprocessable(operation, $"path '{path}' does not exist (it goes through a null value)");
    }

    private static int ExistingIndex(JsonArray array, string token, JsonPatchOperation operation)
    {
        if (token == "-")
            throw Unprocessable(operation, $"'-' names the position after the last item of '{operation.Path}', which holds no value");
        var index = ParseIndex(token, operation, operation.Path);
        if (index >= array.Count)
            throw Unprocessable(operation, $"index {index} does not exist ({array.Count} items)");
        return index;
    }

    private static int ParseIndex(string token, JsonPatchOperation operation, JsonPointer path) =>
        TryParseIndex(token, out var index)
            ? index
            : throw Unprocessable(operation, $"'{token}' in '{path}' is not an array index");

    // RFC 6901 section 4: an array index is "0" or digits without a leading zero.
    private static bool TryParseIndex(string token, out int index)
    {
        index = -1;
        if (token.Length == 0 || (token.Length > 1 && token[0] == '0') || !token.All(char.IsAsciiDigit))
            return false;
        return int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out index);
    }

    /// <summary>RFC 6902 section 4.6 equality: numbers by value, objects ignoring member order, arrays in order.</summary>
    private static bool JsonEquals(JsonNode? a, JsonNode? b)
    {
        var kindA = a?.GetValueKind() ?? JsonValueKind.Null;
        var kindB = b?.GetValueKind() ?? JsonValueKind.Null;
        if (kindA != kindB)
            return false;
        switch (kindA)
        {
            case JsonValueKind.Null or JsonValueKind.True or JsonValueKind.False:
                return true;
            case JsonValueKind.String:
                return string.Equals(a!.GetValue<string>(), b!.GetValue<string>(), StringComparison.Ordinal);
            case JsonValueKind.Number:
                var textA = a!.ToJsonString();
                var textB = b!.ToJsonString();
                if (decimal.TryParse(textA, NumberStyles.Float, CultureInfo.InvariantCulture, out var decimalA)
                    && decimal.TryParse(textB, NumberStyles.Float, CultureInfo.InvariantCulture, out var decimalB))
                    return decimalA == decimalB;
                return double.Parse(textA, CultureInfo.InvariantCulture) == double.Parse(textB, CultureInfo.InvariantCulture);
            case JsonValueKind.Array:
                var arrayA = (JsonArray)a!;
                var arrayB = (JsonArray)b!;
                return arrayA.Count == arrayB.Count && arrayA.Zip(arrayB).All(pair => JsonEquals(pair.First, pair.Second));
            case JsonValueKind.Object:
                var objectA = (JsonObject)a!;
                var objectB = (JsonObject)b!;
                return objectA.Count == objectB.Count
                    && objectA.All(member => objectB.TryGetPropertyValue(member.Key, out var other) && JsonEquals(member.Value, other));
            default:
                return false;
        }
    }

    private static void CheckIdentityUnchanged(JsonObject original, JsonNode? patched)
    {
        if (patched is not JsonObject result)
            throw Unprocessable("The patched resource is not a JSON object.");
        var problems = new List<string>();
        foreach (var member in new[] { "resourceType", "id" })
        {
            if (!JsonEquals(original[member], result[member]))
                problems.Add($"A patch may not change '{member}' (was {Show(original[member])}, patch makes it {Show(result[member])}).");
        }
        if (problems.Count > 0)
            throw FhirException.Unprocessable(new OperationOutcome
            {
                Issue = problems.Select(p => Outcomes.Issue(OperationOutcome.IssueType.Invariant, p, FhirErrorCode.InvalidRequest)).ToList(),
            });
    }

    private static int CountNodes(JsonNode? node) => node switch
    {
        JsonObject obj => 1 + obj.Sum(member => CountNodes(member.Value)),
        JsonArray array => 1 + array.Sum(CountNodes),
        _ => 1,
    };

    private static string Show(JsonNode? node)
    {
        var text = node?.ToJsonString(OutputOptions) ?? "null";
        return text.Length <= 100 ? text : text[..100] + "...";
    }

    private static FhirException Unprocessable(JsonPatchOperation operation, string problem) =>
        Unprocessable($"{operation.Describe()}: {problem}.");

    private static FhirException Unprocessable(string message) =>
        FhirException.Unprocessable(new OperationOutcome
        {
            Issue = [Outcomes.Issue(OperationOutcome.IssueType.Processing, message, FhirErrorCode.InvalidRequest)],
        });
}
