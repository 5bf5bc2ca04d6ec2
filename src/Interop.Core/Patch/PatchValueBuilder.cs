using Hl7.Fhir.Introspection;
using Hl7.Fhir.Model;
using Hl7.Fhir.Utility;

namespace Interop.Core.Patch;

/// <summary>
/// Turns the <c>value</c> part of a FHIRPath Patch operation into a POCO of the type the target
/// element takes: a <c>value[x]</c> as sent, a <c>resource</c>, or a complex type assembled from
/// nested <c>part</c>s named after its elements (R4 fhirpatch.html, "value" may be given as parts).
/// </summary>
/// <remarks>
/// The value's type must fit the target (fhirpatch.html: "Servers SHALL return an error if the type
/// is wrong"). Every problem found is added to the caller's list; nothing is thrown.
/// </remarks>
internal static class PatchValueBuilder
{
    /// <summary>
    /// Builds the value for <paramref name="target"/>; null when a problem was recorded.
    /// <paramref name="where"/> names the target as the client would ("Patient.telecom"), for messages.
    /// </summary>
    public static Base? Build(Parameters.ParameterComponent valuePart, PropertyMapping target, string where, List<string> problems)
    {
        // Copies, so the patched resource never shares instances with the patch (or with itself when one value is used twice).
        if (valuePart.Value is not null)
            return Conform(valuePart.Value.DeepCopy(), target, where, problems);
        if (valuePart.Resource is not null)
            return Conform(valuePart.Resource.DeepCopy(), target, where, problems);
        if (valuePart.Part.Count > 0)
            return BuildFromParts(valuePart.Part, target, where, problems);
        problems.Add($"no value is given for {where} (expected value[x], resource or parts)");
        return null;
    }

    private static Base? BuildFromParts(List<Parameters.ParameterComponent> parts, PropertyMapping target, string where, List<string> problems)
    {
        var type = target.ImplementingType;
        if (target.Choice != ChoiceType.None || type.IsAbstract)
        {
            problems.Add($"{where} can hold more than one type, so its value must be a typed value[x] (for example valueQuantity), not parts");
            return null;
        }
        if (typeof(PrimitiveType).IsAssignableFrom(type))
        {
            problems.Add($"{where} is a primitive ({PocoElements.FhirTypeName(type)}); give it as value[x], not as parts");
            return null;
        }

        var mapping = PocoElements.ClassMappingOf(type);
        var instance = (Base)Activator.CreateInstance(type)!;
        foreach (var part in parts)
        {
            var childWhere = $"{where}.{part.Name}";
            var child = part.Name is null ? null : mapping.FindMappedElementByName(part.Name);
            if (child is null || child.IsPrimitive)
            {
                problems.Add($"{mapping.Name} has no element '{part.Name}' (at {childWhere})");
                continue;
            }
            var value = Build(part, child, childWhere, problems);
            if (value is null)
                continue;
            if (!child.IsCollection && PocoElements.HasValue(instance, child.Name))
            {
                problems.Add($"{childWhere} is given more than once but does not repeat");
                continue;
            }
            PocoElements.Assign(instance, child, value);
        }
        return instance;
    }

    private static Base? Conform(Base value, PropertyMapping target, string where, List<string> problems)
    {
        if (target.IsPrimitive)
        {
            problems.Add($"{where} is the raw value of a primitive and cannot be patched on its own; patch the primitive element instead");
            return null;
        }

        var allowed = target.Choice == ChoiceType.None ? [target.ImplementingType] : target.FhirType;
        if (allowed.Any(t => t.IsInstanceOfType(value)))
            return value;

        // A Parameters value arrives as a plain `code`; elements bound to a required value set are
        // Code<TEnum> in the POCO model. Same FHIR type, so convert rather than reject.
        if (target.ImplementingType is { IsGenericType: true } codeType
            && codeType.GetGenericTypeDefinition() == typeof(Code<>)
            && value is Code code)
            return ToBoundCode(code, codeType, where, problems);

        var expected = string.Join(" or ", allowed.Select(PocoElements.FhirTypeName).Distinct());
        problems.Add($"{where} takes {expected}, not {value.TypeName}");
        return null;
    }

    private static Base? ToBoundCode(Code code, Type codeType, string where, List<string> problems)
    {
        var enumType = codeType.GetGenericArguments()[0];
        if (code.Value is null || EnumUtility.ParseLiteral(code.Value, enumType) is null)
        {
            problems.Add($"'{code.Value}' is not a code {where} accepts (value set {enumType.Name})");
            return null;
        }
        var bound = (PrimitiveType)Activator.CreateInstance(codeType)!;
        bound.JsonValue = code.Value;
        bound.ElementId = code.ElementId;
        bound.Extension.AddRange(code.Extension);
        return bound;
    }
}
