"""The parts of the sandbox's schema cut (see `schema_cut`) that serve product media, files and collections.

Same format as `schema_cut.PRODUCT_SPEC`; merged with the other domains' specs by
`schema_cut.merge_specs`. `Product`, `ProductVariant`, `ProductSetInput`, `ProductCreateInput` and
`ProductUpdateInput` list only the fields these domains add. Left out on purpose: 3D models, media
translations and metafields, collection publishing, the 2026-07 collection `sources`.
"""

from __future__ import annotations

_PAGING = "first,after,last,before,reverse"

# fmt: off
MEDIA_SPEC: dict[str, str] = {
 "QueryRoot": f"files({_PAGING},sortKey,query) job(id)",
 "Mutation": (
  "productCreate(product,media) productUpdate(product,media) productCreateMedia(productId,media)"
  " productUpdateMedia(productId,media) productDeleteMedia(productId,mediaIds) productReorderMedia(id,moves)"
  " productVariantAppendMedia(productId,variantMedia) productVariantDetachMedia(productId,variantMedia)"
  " fileCreate(files) fileUpdate(files) fileDelete(fileIds) fileAcknowledgeUpdateFailed(fileIds)"
 ),
 "Product": f"media({_PAGING},sortKey,query) mediaCount featuredMedia images({_PAGING},sortKey) featuredImage",
 "ProductVariant": f"media({_PAGING}) image",
 "Media": "*", "File": "*",
 "MediaImage": (
  "id alt createdAt updatedAt fileErrors fileStatus image mediaContentType mediaErrors mediaWarnings mimeType"
  " preview status"
 ),
 "Video": (
  "id alt createdAt updatedAt fileErrors fileStatus filename mediaContentType mediaErrors mediaWarnings"
  " preview status"
 ),
 "ExternalVideo": (
  "id alt createdAt updatedAt fileErrors fileStatus mediaContentType mediaErrors mediaWarnings preview status"
  " originUrl embedUrl host"
 ),
 "GenericFile": "id alt createdAt updatedAt fileErrors fileStatus mimeType originalFileSize url preview",
 "Image": "id url(transform) altText width height", "ImageTransformInput": "*",
 "MediaPreviewImage": "*", "FileError": "*", "MediaError": "*", "MediaWarning": "*",
 "MediaConnection": "*", "MediaEdge": "*", "FileConnection": "*", "FileEdge": "*",
 "ImageConnection": "*", "ImageEdge": "*",
 "Job": "id done query",
 # payloads
 "ProductCreateMediaPayload": "*", "ProductUpdateMediaPayload": "*", "ProductDeleteMediaPayload": "*",
 "ProductReorderMediaPayload": "*", "MediaUserError": "*",
 "ProductVariantAppendMediaPayload": "*", "ProductVariantDetachMediaPayload": "*",
 "FileCreatePayload": "*", "FileUpdatePayload": "*", "FileDeletePayload": "*",
 "FileAcknowledgeUpdateFailedPayload": "*", "FilesUserError": "*",
 # inputs
 "ProductSetInput": "files", "FileSetInput": "*",
 "CreateMediaInput": "*", "UpdateMediaInput": "*", "MoveInput": "*",
 "ProductVariantAppendMediaInput": "*", "ProductVariantDetachMediaInput": "*",
 "FileCreateInput": "*", "FileUpdateInput": "*",
}

COLLECTION_SPEC: dict[str, str] = {
 "QueryRoot": (
  f"collection(id) collectionByIdentifier(identifier) collectionByHandle(handle) collections({_PAGING},sortKey,query)"
  " collectionsCount(query,limit)"
 ),
 "Mutation": (
  "collectionCreate(input,collection) collectionUpdate(input,collection) collectionDelete(input)"
  " collectionAddProducts(id,productIds) collectionAddProductsV2(id,productIds)"
  " collectionRemoveProducts(id,productIds) collectionReorderProducts(id,moves)"
 ),
 "Collection": (
  "id legacyResourceId title handle description(truncateAt) descriptionHtml updatedAt image sortOrder"
  f" templateSuffix seo ruleSet products({_PAGING},sortKey) productsCount hasProduct(id)"
  f" metafield(namespace,key) metafields(namespace,keys,{_PAGING})"
 ),
 "Product": f"collections({_PAGING},sortKey,query)",
 "CollectionRuleSet": "*", "CollectionRule": "column relation condition", "SEO": "*",
 "CollectionConnection": "*", "CollectionEdge": "*",
 # payloads
 "CollectionCreatePayload": "*", "CollectionUpdatePayload": "*", "CollectionDeletePayload": "*",
 "CollectionAddProductsPayload": "*", "CollectionAddProductsV2Payload": "*", "CollectionAddProductsV2UserError": "*",
 "CollectionRemoveProductsPayload": "*", "CollectionReorderProductsPayload": "*",
 "CollectionReorderProductsUserError": "*",
 # inputs
 "CollectionInput": (
  "descriptionHtml handle id image products ruleSet templateSuffix sortOrder title metafields seo redirectNewHandle"
 ),
 "CollectionCreateInput": "descriptionHtml handle image templateSuffix sortOrder title metafields seo",
 "CollectionUpdateInput": "descriptionHtml handle id image templateSuffix sortOrder title metafields seo redirectNewHandle",
 "CollectionDeleteInput": "*", "CollectionRuleSetInput": "*", "CollectionRuleInput": "column relation condition",
 "SEOInput": "*", "ImageInput": "*", "CollectionIdentifierInput": "id handle customId",
 "UniqueMetafieldValueInput": "*",
 "ProductCreateInput": "collectionsToJoin", "ProductUpdateInput": "collectionsToJoin collectionsToLeave",
}
# fmt: on
