import PersimmonAPIModel

/// Serves the Personalize control plane (`AmazonPersonalize.*`). Handlers live in one file per resource as
/// extensions; each validates nothing itself (the generated dispatcher did), calls the domain and maps the result.
package struct ControlPlaneService: PersonalizeControlPlane {
    package typealias Context = OperationContext

    package let resources: ResourceManager
    package let catalog: Catalog
    /// Which import, export and deletion locations this server can reach.
    package let locations: any DataLocations

    package init(resources: ResourceManager, catalog: Catalog = .shared, locations: any DataLocations = NoDataLocations()) {
        self.resources = resources
        self.catalog = catalog
        self.locations = locations
    }
}
