using System.Collections;
using Hl7.Fhir.Introspection;
using Hl7.Fhir.Model;

namespace Interop.Core.Patch;

/// <summary>Reads and writes named elements of Firely POCOs through their R4 class mappings.</summary>
internal static class PocoElements
{
    public static PropertyMapping? FindProperty(Base parent, string name) =>
        ModelInfo.ModelInspector.FindOrImportClassMapping(parent.GetType())?.FindMappedElementByName(name);

    public static ClassMapping ClassMappingOf(Type type) =>
        ModelInfo.ModelInspector.FindOrImportClassMapping(type)
        ?? throw new InvalidOperationException($"{type.Name} is not a FHIR R4 model type.");

    /// <summary>The FHIR name of a model type ("date", "code", "Coding"), for messages.</summary>
    public static string FhirTypeName(Type type) => ModelInfo.ModelInspector.FindOrImportClassMapping(type)?.Name ?? type.Name;

    /// <summary>"Patient.telecom": the element's FHIR path-like name, for messages.</summary>
    public static string Describe(Base parent, string name) => $"{parent.TypeName}.{name}";

    public static bool HasValue(Base parent, string name) => parent.TryGetValue(name, out _);

    /// <summary>The live list behind a repeating element, or null when it is empty.</summary>
    public static IList? FindList(Base parent, string name) =>
        parent.TryGetValue(name, out var value) ? value as IList : null;

    /// <summary>The live list behind a repeating element, attaching a new one when it is empty.</summary>
    public static IList GetOrCreateList(Base parent, PropertyMapping property)
    {
        if (FindList(parent, property.Name) is { } existing)
            return existing;
        var created = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(property.ImplementingType))!;
        parent.SetValue(property.Name, created);
        return created;
    }

    /// <summary>Sets a single element, or appends to a repeating one.</summary>
    public static void Assign(Base parent, PropertyMapping property, Base value)
    {
        if (property.IsCollection)
            GetOrCreateList(parent, property).Add(value);
        else
            parent.SetValue(property.Name, value);
    }

    /// <summary>Puts <paramref name="value"/> where <paramref name="location"/> points, replacing what is there.</summary>
    public static void Replace(ElementLocation location, Base value)
    {
        if (location.IsListItem)
            FindList(location.Parent, location.Name)![location.Index] = value;
        else
            location.Parent.SetValue(location.Name, value);
    }

    public static void Remove(ElementLocation location)
    {
        if (location.IsListItem)
            FindList(location.Parent, location.Name)!.RemoveAt(location.Index);
        else
            location.Parent.SetValue(location.Name, null);
    }
}
